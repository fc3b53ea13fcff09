namespace MailKitServer.Storage.InMemory;

/// <summary>One user's mailboxes and subscriptions. <see cref="Sync"/> guards everything, including the mailboxes.</summary>
internal sealed class InMemoryAccountState
{
    public object Sync { get; } = new();

    public Dictionary<string, InMemoryMailbox> Mailboxes { get; } = new(StringComparer.Ordinal);

    public HashSet<string> Subscriptions { get; } = new(StringComparer.Ordinal);

    public bool MaildropLocked { get; set; }
}
