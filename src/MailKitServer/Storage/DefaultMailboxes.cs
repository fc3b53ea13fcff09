namespace MailKitServer.Storage;

/// <summary>The special-use mailboxes every store creates, and subscribes, for a new account (RFC 6154).</summary>
internal static class DefaultMailboxes
{
    /// <summary>A new, editable dictionary of the default names and their roles (each options object owns its own).</summary>
    public static IDictionary<string, MailboxRole> Create() => new Dictionary<string, MailboxRole>(StringComparer.Ordinal)
    {
        ["Drafts"] = MailboxRole.Drafts,
        ["Sent"] = MailboxRole.Sent,
        ["Trash"] = MailboxRole.Trash,
        ["Junk"] = MailboxRole.Junk,
        ["Archive"] = MailboxRole.Archive,
    };
}
