namespace MailKitServer.Storage;

/// <summary>What a <see cref="MailboxChange"/> reports.</summary>
public enum MailboxChangeKind
{
    /// <summary>A message arrived (delivery, append, copy or move).</summary>
    Added,

    /// <summary>A message's flags or keywords changed.</summary>
    FlagsChanged,

    /// <summary>A message was expunged.</summary>
    Expunged,

    /// <summary>The mailbox was deleted or renamed away; the view is no longer valid.</summary>
    MailboxGone,
}
