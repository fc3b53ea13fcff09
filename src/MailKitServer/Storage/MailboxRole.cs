namespace MailKitServer.Storage;

/// <summary>The special use of a mailbox (RFC 6154).</summary>
public enum MailboxRole
{
    /// <summary>No special use.</summary>
    None,

    /// <summary>The INBOX.</summary>
    Inbox,

    /// <summary>\Drafts.</summary>
    Drafts,

    /// <summary>\Sent.</summary>
    Sent,

    /// <summary>\Trash.</summary>
    Trash,

    /// <summary>\Junk.</summary>
    Junk,

    /// <summary>\Archive.</summary>
    Archive,

    /// <summary>\All (virtual).</summary>
    All,

    /// <summary>\Flagged (virtual).</summary>
    Flagged,
}
