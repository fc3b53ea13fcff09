namespace MailKitServer.Storage.PostgreSql.Notifications;

/// <summary>
/// A hint that a mailbox changed: its id and the MODSEQ it reached. Only a hint: views catch up from the database
/// by MODSEQ, so a lost or late hint delays an update and never loses one.
/// </summary>
/// <param name="UserId">The account's user id.</param>
/// <param name="MailboxId">The mailbox's id; 0 for "anything may have changed" (sent after the listener reconnects); -1 for "the user directory changed".</param>
/// <param name="ModSeq">The mailbox's HIGHESTMODSEQ after the change, or <see cref="ulong.MaxValue"/> when the mailbox was renamed or deleted.</param>
public readonly record struct MailboxChangeHint(string UserId, long MailboxId, ulong ModSeq)
{
    /// <summary>The hint that every view should catch up (notifications may have been missed).</summary>
    public static MailboxChangeHint Everything { get; } = new(string.Empty, 0, ulong.MaxValue);

    /// <summary>The hint that users, aliases or domains changed: every node reloads its copy of the directory.</summary>
    public static MailboxChangeHint DirectoryChanged { get; } = new(string.Empty, -1, ulong.MaxValue);
}
