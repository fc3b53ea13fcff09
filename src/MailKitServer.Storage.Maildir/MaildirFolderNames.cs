namespace MailKitServer.Storage.Maildir;

/// <summary>
/// Mailbox names to Maildir++ folders (the layout Dovecot reads): INBOX is the Maildir itself, <c>a/b</c> is
/// <c>.a.b</c>, each level in modified UTF-7 with "." escaped, so no name can reach outside the Maildir.
/// </summary>
internal static class MaildirFolderNames
{
    public static string ToDirectory(string root, string mailbox)
    {
        if (mailbox == MailboxName.Inbox)
        {
            return root;
        }

        var levels = mailbox.Split(MailboxName.Separator).Select(Encode);
        return Path.Combine(root, "." + string.Join('.', levels));
    }

    public static string? FromDirectory(string directoryName)
    {
        if (!directoryName.StartsWith('.') || directoryName is "." or "..")
        {
            return null;
        }

        var levels = directoryName[1..].Split('.');
        var decoded = new List<string>();
        foreach (var level in levels)
        {
            if (level.Length == 0 || !TryDecode(level, out var name))
            {
                return null;
            }

            decoded.Add(name);
        }

        var mailbox = string.Join(MailboxName.Separator, decoded);
        return MailboxName.TryNormalize(mailbox, out var normalized) ? normalized : null;
    }

    /// <summary>
    /// Whether the folder's directory name fits the file system (255 octets, NAME_MAX on Linux): with Maildir++ the
    /// whole hierarchy is one directory name, so a long name is refused before anything is written (issue 15 item 6).
    /// </summary>
    public static bool Fits(string root, string mailbox) =>
        mailbox == MailboxName.Inbox || System.Text.Encoding.UTF8.GetByteCount(Path.GetFileName(ToDirectory(root, mailbox))) <= MaxDirectoryName;

    private const int MaxDirectoryName = 255;

    // Modified UTF-7 (RFC 3501 §5.1.3) on disk, as Dovecot stores names; "." would split the level, so it is shifted too.
    private static string Encode(string level) => ModifiedUtf7.Encode(level, alsoShift: "./");

    private static bool TryDecode(string text, out string name) => ModifiedUtf7.TryDecode(text, out name);
}
