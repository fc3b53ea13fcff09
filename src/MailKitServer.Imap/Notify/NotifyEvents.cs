namespace MailKitServer.Imap.Notify;

/// <summary>The NOTIFY events (RFC 5465 §5, §8 event).</summary>
[Flags]
internal enum NotifyEvents
{
    /// <summary>No event (the NONE event list).</summary>
    None = 0,

    /// <summary>MessageNew: a message delivered or appended.</summary>
    MessageNew = 1,

    /// <summary>MessageExpunge: a message expunged.</summary>
    MessageExpunge = 2,

    /// <summary>FlagChange: a message's flags changed.</summary>
    FlagChange = 4,

    /// <summary>AnnotationChange (not supported: no ANNOTATE).</summary>
    AnnotationChange = 8,

    /// <summary>MailboxName: a mailbox created, deleted or renamed.</summary>
    MailboxName = 16,

    /// <summary>SubscriptionChange: a mailbox subscribed or unsubscribed.</summary>
    SubscriptionChange = 32,

    /// <summary>MailboxMetadataChange (not supported: no METADATA).</summary>
    MailboxMetadataChange = 64,

    /// <summary>ServerMetadataChange (not supported: no METADATA).</summary>
    ServerMetadataChange = 128,

    /// <summary>The events about messages, the only ones SELECTED may name.</summary>
    MessageEvents = MessageNew | MessageExpunge | FlagChange | AnnotationChange,

    /// <summary>The events this server can send.</summary>
    Supported = MessageNew | MessageExpunge | FlagChange | MailboxName | SubscriptionChange,
}
