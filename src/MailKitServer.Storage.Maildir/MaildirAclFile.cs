using System.Text;
using MailKitServer.Storage.Acl;

namespace MailKitServer.Storage.Maildir;

/// <summary>
/// A folder's access control list in Dovecot's own <c>dovecot-acl</c> file (its vfile ACL backend): one
/// "identifier rights" line per entry, identifiers <c>owner</c>, <c>user=NAME</c>, <c>group=NAME</c>,
/// <c>anyone</c> and <c>authenticated</c>, a leading <c>-</c> for a negative entry. A written file starts with an
/// <c>owner</c> line of every right, so Dovecot, which gives the owner only what such a file says, reads the same
/// list as this store (the owner of a personal folder has every right). Groups are our distribution lists:
/// <c>group=list@domain</c> is IMAP's <c>$list@domain</c>.
/// </summary>
internal static class MaildirAclFile
{
    /// <summary>The file's name in a folder's directory (INBOX's is in the Maildir itself).</summary>
    public const string Name = "dovecot-acl";

    private const string OwnerLine = "owner lrwstipekxa";

    /// <summary>Reads the entries; a missing file is an empty list. Lines this store cannot use (owner, named rights) are skipped.</summary>
    /// <param name="folder">The folder's directory.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The entries.</returns>
    public static async ValueTask<List<MailboxAclEntry>> ReadAsync(string folder, CancellationToken cancellationToken)
    {
        string text;
        try
        {
            text = await File.ReadAllTextAsync(Path.Combine(folder, Name), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return [];
        }

        return Parse(text);
    }

    /// <summary>Parses the file's text.</summary>
    /// <returns>The entries.</returns>
    public static List<MailboxAclEntry> Parse(string text)
    {
        var entries = new List<MailboxAclEntry>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var space = line.IndexOf(' ', StringComparison.Ordinal);
            if (space <= 0 || ToIdentifier(line[..space]) is not { } identifier)
            {
                continue;
            }

            var letters = line[(space + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(w => !w.StartsWith(':')) ?? string.Empty;
            var rights = MailboxRights.None;
            foreach (var c in letters)
            {
                // Letters Dovecot knows and this store does not are left out, not fatal.
                if (MailboxRightsText.TryParse(c, out var one))
                {
                    rights |= one;
                }
            }

            if (rights != MailboxRights.None)
            {
                MailboxAclList.Set(entries, identifier, rights);
            }
        }

        return entries;
    }

    /// <summary>Writes the entries (atomically: a new file renamed over the old); no entries removes the file.</summary>
    /// <param name="folder">The folder's directory.</param>
    /// <param name="entries">The whole list; it replaces what the file held.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task.</returns>
    public static async ValueTask WriteAsync(string folder, IReadOnlyList<MailboxAclEntry> entries, CancellationToken cancellationToken)
    {
        var path = Path.Combine(folder, Name);
        if (entries.Count == 0)
        {
            File.Delete(path);
            return;
        }

        await File.WriteAllTextAsync(path + ".tmp", Format(entries), cancellationToken).ConfigureAwait(false);
        File.Move(path + ".tmp", path, overwrite: true);
    }

    /// <summary>The file's text for the entries.</summary>

    public static string Format(IReadOnlyList<MailboxAclEntry> entries)
    {
        var text = new StringBuilder(OwnerLine).Append('\n');
        foreach (var entry in entries)
        {
            text.Append(FromIdentifier(entry.Identifier)).Append(' ').Append(MailboxRightsText.Format(entry.Rights)).Append('\n');
        }

        return text.ToString();
    }

    private static string? ToIdentifier(string word)
    {
        var negative = word.StartsWith('-');
        var name = negative ? word[1..] : word;
        string? identifier = name switch
        {
            MailboxAclIdentifiers.Anyone or MailboxAclIdentifiers.Authenticated => name,
            _ when name.StartsWith("user=", StringComparison.Ordinal) && name.Length > 5 => name[5..],
            _ when name.StartsWith("group=", StringComparison.Ordinal) && name.Length > 6 => MailboxAclIdentifiers.GroupPrefix + name[6..],
            _ when name.StartsWith("group-override=", StringComparison.Ordinal) && name.Length > 15 => MailboxAclIdentifiers.GroupPrefix + name[15..],
            _ => null,
        };
        return identifier is null ? null : negative ? MailboxAclIdentifiers.NegativePrefix + identifier : identifier;
    }

    private static string FromIdentifier(string identifier)
    {
        var negative = identifier.StartsWith(MailboxAclIdentifiers.NegativePrefix, StringComparison.Ordinal);
        var name = negative ? identifier[1..] : identifier;
        var word = name switch
        {
            MailboxAclIdentifiers.Anyone or MailboxAclIdentifiers.Authenticated => name,
            _ when name.StartsWith(MailboxAclIdentifiers.GroupPrefix, StringComparison.Ordinal) => "group=" + name[1..],
            _ => "user=" + name,
        };
        return negative ? "-" + word : word;
    }
}
