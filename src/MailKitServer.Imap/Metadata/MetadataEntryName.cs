namespace MailKitServer.Imap.Metadata;

/// <summary>Entry names of METADATA (RFC 5464 §3.2): checked, compared case-insensitively (kept lower case), matched by depth.</summary>
internal static class MetadataEntryName
{
    /// <summary>The scope of per-user entries.</summary>
    public const string Private = "/private";

    /// <summary>The scope of entries shared by every user with access.</summary>
    public const string Shared = "/shared";

    /// <summary>The special-use entry of a mailbox (RFC 6154 §3), answered from the mailbox's role.</summary>
    public const string SpecialUse = "/private/specialuse";

    /// <summary>The server entry naming how to reach the administrator (RFC 5464 §3.2.1.1), from <see cref="ImapOptions.AdministratorContact"/>.</summary>
    public const string Admin = "/shared/admin";

    /// <summary>
    /// Checks an entry name and lower-cases it. Every name starts with /private or /shared; none has "//", ends with
    /// "/", holds "*", "%", a control or a non-ASCII character (RFC 5464 §3.2). A name to set has two components at
    /// least, four under vendor/ (§3.2); GETMETADATA may also name a scope alone, to read what is below it.
    /// </summary>
    /// <param name="text">The name as sent.</param>
    /// <param name="toSet">Whether the name is one to set (SETMETADATA).</param>
    /// <param name="name">The lower-cased name.</param>
    /// <returns>Whether it is valid (else the command is BAD).</returns>
    public static bool TryNormalize(string text, bool toSet, out string name)
    {
        name = text.ToLowerInvariant();
        if (name.Length < 2 || name[0] != '/' || name[^1] == '/' || name.Contains("//", StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var c in name)
        {
            // RFC 5464 §3.2: no "*" or "%", nothing outside ASCII, nothing in 0x00-0x19 (nor DEL).
            if (c is < (char)0x20 or > (char)0x7E or '*' or '%')
            {
                return false;
            }
        }

        var components = name.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (components[0] is not ("private" or "shared"))
        {
            return false;
        }

        var least = components.Length > 1 && components[1] == "vendor" ? 4 : 2;
        return components.Length >= least || (!toSet && components.Length == 1);
    }

    /// <summary>Whether an entry is private (per user).</summary>
    /// <param name="name">A normalised name.</param>
    /// <returns><see langword="true"/> under /private.</returns>
    public static bool IsPrivate(string name) => name.StartsWith(Private + "/", StringComparison.Ordinal);

    /// <summary>Whether <paramref name="entry"/> is <paramref name="requested"/> or below it within <paramref name="depth"/> levels (RFC 5464 §4.2.2).</summary>
    /// <param name="requested">The name asked for.</param>
    /// <param name="entry">An entry that exists.</param>
    /// <param name="depth">0, 1 or <see cref="int.MaxValue"/> for infinity.</param>
    /// <returns>Whether the entry is answered.</returns>
    public static bool Matches(string requested, string entry, int depth)
    {
        if (entry == requested)
        {
            return true;
        }

        if (depth == 0 || !entry.StartsWith(requested + "/", StringComparison.Ordinal))
        {
            return false;
        }

        var below = entry.AsSpan(requested.Length + 1).Count('/') + 1;
        return below <= depth;
    }
}
