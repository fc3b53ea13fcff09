namespace MailKitServer.Storage;

/// <summary>
/// An account whose store keeps RFC 8474 object ids: every mailbox has a MAILBOXID and every message an EMAILID
/// (<see cref="MessageInfo.EmailId"/>, set on every <see cref="MessageInfo"/> its views give). IMAP advertises OBJECTID
/// only for accounts that implement this. The rules a store must keep:
/// <list type="bullet">
/// <item>A MAILBOXID is the same for as long as the mailbox keeps its UIDVALIDITY, stays the same across restarts
/// and across a RENAME that keeps UIDVALIDITY, and is never given to another mailbox (a mailbox deleted and created
/// again gets a new one).</item>
/// <item>An EMAILID never changes for a message, survives restarts, and COPY and MOVE give the copy the source's
/// EMAILID (RFC 8474 §5.1). Two messages may share one only when their content is identical.</item>
/// <item>Ids are 1 to 255 characters of <c>A-Z a-z 0-9 _ -</c>; a store should prefix mailbox ids and message ids
/// differently (the engine prefixes thread ids with <c>T</c>).</item>
/// </list>
/// </summary>
public interface IObjectIdMailAccount : IMailAccount
{
    /// <summary>The MAILBOXID of a mailbox (RFC 8474 §4).</summary>
    /// <param name="name">The mailbox name.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The id, or <see langword="null"/> when the mailbox does not exist.</returns>
    ValueTask<string?> GetMailboxIdAsync(string name, CancellationToken cancellationToken);
}
