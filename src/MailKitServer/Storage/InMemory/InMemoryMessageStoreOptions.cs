namespace MailKitServer.Storage.InMemory;

/// <summary>Options of the <see cref="InMemoryMessageStore"/>.</summary>
public sealed class InMemoryMessageStoreOptions
{
    /// <summary>The special-use mailboxes created, and subscribed, for every new account (RFC 6154). INBOX is always created.</summary>
    public IDictionary<string, MailboxRole> DefaultMailboxes { get; } = Storage.DefaultMailboxes.Create();

    /// <summary>The largest message accepted, in octets; larger deliveries and appends fail with <see cref="StoreStatus.OverQuota"/>.</summary>
    public long MaxMessageSize { get; set; } = 64L * 1024 * 1024;
}
