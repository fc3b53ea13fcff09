namespace MailKitServer.Storage.InMemory;

/// <summary>One user's mailboxes and subscriptions. <see cref="Sync"/> guards everything, including the mailboxes.</summary>
internal sealed class InMemoryAccountState
{
    public object Sync { get; } = new();

    public Dictionary<string, InMemoryMailbox> Mailboxes { get; } = new(StringComparer.Ordinal);

    public HashSet<string> Subscriptions { get; } = new(StringComparer.Ordinal);

    /// <summary>The access control lists, by mailbox name (only mailboxes with entries).</summary>
    public Dictionary<string, List<Acl.MailboxAclEntry>> Acls { get; } = new(StringComparer.Ordinal);

    /// <summary>The annotations (RFC 5464), by mailbox name (only mailboxes with entries).</summary>
    public Dictionary<string, Metadata.MetadataTable> Metadata { get; } = new(StringComparer.Ordinal);

    public bool MaildropLocked { get; set; }

    /// <summary>The most octets the account may hold (RFC 9208 STORAGE), or null for no limit.</summary>
    public long? QuotaBytes { get; set; }

    /// <summary>The most messages the account may hold (RFC 9208 MESSAGE), or null for no limit.</summary>
    public long? QuotaMessages { get; set; }

    /// <summary>The octets and messages in all mailboxes (counted when asked: the in-memory store is for tests and samples).</summary>
    public (long Bytes, long Messages) Usage()
    {
        long bytes = 0, messages = 0;
        foreach (var mailbox in Mailboxes.Values)
        {
            messages += mailbox.Messages.Count;
            foreach (var m in mailbox.Messages)
            {
                bytes += m.Content.LongLength;
            }
        }

        return (bytes, messages);
    }

    /// <summary>Whether adding messages keeps the account within its limits (under <see cref="Sync"/>).</summary>
    public bool Allows(long bytes, long messages)
    {
        if (QuotaBytes is null && QuotaMessages is null)
        {
            return true;
        }

        var (usedBytes, usedMessages) = Usage();
        return (QuotaBytes is not { } b || usedBytes + bytes <= b) && (QuotaMessages is not { } m || usedMessages + messages <= m);
    }
}
