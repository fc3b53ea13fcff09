namespace MailKitServer.Storage;

/// <summary>The outcome of a store operation, as a value the protocol engines turn into replies.</summary>
public enum StoreStatus
{
    /// <summary>Done.</summary>
    Success,

    /// <summary>The mailbox (or message) does not exist.</summary>
    NotFound,

    /// <summary>The mailbox already exists.</summary>
    AlreadyExists,

    /// <summary>The name is not acceptable (empty, <c>..</c>, NUL, control characters, absolute).</summary>
    InvalidName,

    /// <summary>The operation is not allowed (deleting INBOX, writing a read-only view).</summary>
    NotAllowed,

    /// <summary>A quota would be exceeded.</summary>
    OverQuota,

    /// <summary>A temporary failure; the client may try again.</summary>
    TemporaryFailure,
}
