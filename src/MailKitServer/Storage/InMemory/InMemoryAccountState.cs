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

    /// <summary>The limits a quota administrator set (SETQUOTA; a null limit = none), or null when none did.</summary>
    public (long? Bytes, long? Messages)? SetLimits { get; set; }

    /// <summary>The limits the store's quota directory gave when last asked, or null.</summary>
    public Users.UserQuota? DirectoryLimits { get; set; }

    /// <summary>The limits in force (RFC 9208 STORAGE and MESSAGE; null = no limit): SETQUOTA's, else the directory's.</summary>
    public (long? Bytes, long? Messages) Limits => SetLimits ?? (DirectoryLimits?.StorageLimitBytes, DirectoryLimits?.MessageLimit);

    /// <summary>The octets and messages in all mailboxes (counted when asked: the in-memory store is for tests and samples).</summary>
    public (long Bytes, long Messages) Usage()
    {
        long bytes = 0, messages = 0;
        foreach (var mailbox in Mailboxes.Values)
        {
            messages += mailbox.Messages.Count;
            foreach (var m in mailbox.Messages)
            {
                bytes += m.Content.Length;
            }
        }

        return (bytes, messages);
    }

    /// <summary>
    /// Whether adding messages keeps the account within its limits (under <see cref="Sync"/>); a resource that does not
    /// grow (a REPLACE, net of the replaced message) is never refused.
    /// </summary>
    public bool Allows(long bytes, long messages)
    {
        var (limitBytes, limitMessages) = Limits;
        if ((limitBytes is null || bytes <= 0) && (limitMessages is null || messages <= 0))
        {
            return true;
        }

        var (usedBytes, usedMessages) = Usage();
        return (limitBytes is not { } b || bytes <= 0 || usedBytes + bytes <= b) && (limitMessages is not { } m || messages <= 0 || usedMessages + messages <= m);
    }
}
