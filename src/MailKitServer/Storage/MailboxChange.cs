namespace MailKitServer.Storage;

/// <summary>One change to a mailbox, as its views observe it.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="Message">The message as it is now (for <see cref="MailboxChangeKind.Added"/> and <see cref="MailboxChangeKind.FlagsChanged"/>).</param>
/// <param name="Uid">The message's UID.</param>
/// <param name="ModSeq">The mailbox's MODSEQ after the change.</param>
/// <param name="Origin">The <see cref="IMailboxView.ViewId"/> of the view that made the change, or 0 for delivery and other accounts.</param>
public sealed record MailboxChange(MailboxChangeKind Kind, MessageInfo? Message, uint Uid, ulong ModSeq, long Origin);
