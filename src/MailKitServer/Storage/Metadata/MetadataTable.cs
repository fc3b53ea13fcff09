namespace MailKitServer.Storage.Metadata;

/// <summary>
/// The annotations of one mailbox or of the server: shared entries and every user's private ones, with the change
/// and serialisation rules the stores share. Not thread-safe: its owner guards it.
/// </summary>
internal sealed class MetadataTable
{
    private const string PrivatePrefix = "/private/";
    private readonly Dictionary<(string User, string Name), byte[]> _entries = [];

    /// <summary>Whether the table holds no entry.</summary>
    public bool IsEmpty => _entries.Count == 0;

    /// <summary>The entries a user sees: every shared entry and the user's own private ones.</summary>
    /// <param name="userId">The user.</param>
    /// <returns>The entries.</returns>
    public IReadOnlyList<MetadataEntry> Visible(string userId) =>
        [.. _entries.Where(e => e.Key.User.Length == 0 || e.Key.User == userId).Select(e => new MetadataEntry(e.Key.Name, e.Value))];

    /// <summary>Sets the entries with a value and removes those without, the private ones as the user's own.</summary>
    /// <param name="userId">The user.</param>
    /// <param name="changes">Entries to set (with a value) or remove (without one).</param>
    public void Apply(string userId, IReadOnlyList<MetadataEntry> changes)
    {
        foreach (var change in changes)
        {
            var key = (change.Name.StartsWith(PrivatePrefix, StringComparison.Ordinal) ? userId : string.Empty, change.Name);
            if (change.Value is { } value)
            {
                _entries[key] = value.ToArray();
            }
            else
            {
                _entries.Remove(key);
            }
        }
    }

    /// <summary>Removes every entry.</summary>
    public void Clear() => _entries.Clear();

    /// <summary>A copy (what INBOX's annotations give the mailbox INBOX is renamed to).</summary>
    /// <returns>The copy.</returns>
    public MetadataTable Clone()
    {
        var copy = new MetadataTable();
        foreach (var (key, value) in _entries)
        {
            copy._entries[key] = value;
        }

        return copy;
    }

    /// <summary>
    /// The table as text: one line per entry, "S name value" for a shared entry and "P user name value" for a private
    /// one, each field base64 (names may hold spaces, values any octets), so a line never breaks.
    /// </summary>
    /// <returns>The text.</returns>
    public string Serialize()
    {
        var sb = new System.Text.StringBuilder();
        foreach (var ((user, name), value) in _entries.OrderBy(e => e.Key.User, StringComparer.Ordinal).ThenBy(e => e.Key.Name, StringComparer.Ordinal))
        {
            sb.Append(user.Length == 0 ? "S " : "P " + Encode(user) + " ").Append(Encode(name)).Append(' ').Append(Convert.ToBase64String(value)).Append('\n');
        }

        return sb.ToString();
    }

    /// <summary>Reads what <see cref="Serialize"/> wrote; lines it does not understand are skipped.</summary>
    /// <returns>The table.</returns>
    public static MetadataTable Parse(string text)
    {
        var table = new MetadataTable();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = line.Split(' ');
            try
            {
                switch (fields)
                {
                    case ["S", var name, var value]:
                        table._entries[(string.Empty, Decode(name))] = Convert.FromBase64String(value);
                        break;
                    case ["P", var user, var name, var value]:
                        table._entries[(Decode(user), Decode(name))] = Convert.FromBase64String(value);
                        break;
                }
            }
            catch (FormatException)
            {
                // A damaged line loses that entry only.
            }
        }

        return table;
    }

    private static string Encode(string text) => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(text));

    private static string Decode(string base64) => System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(base64));
}
