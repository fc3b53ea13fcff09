namespace MailKitServer.Storage;

/// <summary>Rules for mailbox names at the store seam: <c>/</c> separates levels, INBOX is case-insensitive.</summary>
internal static class MailboxName
{
    /// <summary>The name of the inbox.</summary>
    public const string Inbox = "INBOX";

    /// <summary>The hierarchy separator.</summary>
    public const char Separator = '/';

    /// <summary>The longest name accepted, in characters.</summary>
    public const int MaxLength = 512;

    /// <summary>
    /// Checks and normalises a name: INBOX in any case becomes <c>INBOX</c>; names that are empty, absolute, hold
    /// <c>.</c> or <c>..</c> levels, empty levels, NUL or other control characters, or are too long are refused, so a
    /// name can never escape a store's root.
    /// </summary>
    /// <param name="name">The name as given, "/" between levels; null is refused.</param>
    /// <param name="normalized">The normalised name.</param>
    /// <returns><see langword="true"/> when the name is acceptable.</returns>
    public static bool TryNormalize(string? name, out string normalized)
    {
        normalized = string.Empty;
        if (string.IsNullOrEmpty(name) || name.Length > MaxLength || name[0] == Separator || name[^1] == Separator)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (char.IsControl(c) || c == '\\' || c == '\uFFFD')
            {
                return false;
            }
        }

        foreach (var level in name.Split(Separator))
        {
            if (level.Length == 0 || level == "." || level == ".." || level.Trim().Length == 0)
            {
                return false;
            }
        }

        if (name.Equals(Inbox, StringComparison.OrdinalIgnoreCase))
        {
            normalized = Inbox;
        }
        else if (name.StartsWith(Inbox + Separator, StringComparison.OrdinalIgnoreCase))
        {
            normalized = Inbox + name[Inbox.Length..];
        }
        else
        {
            normalized = name;
        }

        return true;
    }
}
