namespace MailKitServer.Storage.InMemory;

/// <summary>Options of the <see cref="InMemoryMessageStore"/>.</summary>
public sealed class InMemoryMessageStoreOptions
{
    /// <summary>The special-use mailboxes created, and subscribed, for every new account (RFC 6154). INBOX is always created.</summary>
    public IDictionary<string, MailboxRole> DefaultMailboxes { get; } = Storage.DefaultMailboxes.Create();

    /// <summary>The largest message accepted, in octets; larger deliveries and appends fail with <see cref="StoreStatus.OverQuota"/>.</summary>
    public long MaxMessageSize { get; set; } = 64L * 1024 * 1024;

    /// <summary>
    /// Where per-user limits come from (IMAP QUOTA, RFC 9208), asked at each delivery, append, copy and quota report.
    /// Limits an IMAP quota administrator set with SETQUOTA win over the directory's; a user the directory gives none
    /// has no limit (this store has no store-wide default). <see langword="null"/>: only SETQUOTA limits apply.
    /// </summary>
    public Users.IQuotaUserDirectory? QuotaDirectory { get; set; }
}
