using MailKitServer.Storage;

namespace MailKitServer.Imap.Notify;

/// <summary>
/// A mailbox other than the selected one whose message events NOTIFY asked for (RFC 5465 §5.1-5.3): a read-only
/// view is kept open only for its change feed, which wakes the session and says what happened.
/// </summary>
/// <param name="Name">The mailbox name.</param>
/// <param name="Events">The message events wanted for it (several event groups may name it).</param>
/// <param name="View">The open view.</param>
internal sealed record WatchedMailbox(string Name, NotifyEvents Events, IMailboxView View);
