namespace MailKitServer.Storage;

/// <summary>
/// A store that tells when a mailbox comes into being through it: CREATE with the parents it makes, the new names of a
/// RENAME, a delivery that creates its target. The web inbox's event stream uses it to watch mailboxes made after the
/// stream opened. Internal for now: the in-memory and Maildir stores raise it; a store without it (PostgreSQL, a
/// host's own) shows a new mailbox's mail when the next client subscribes.
/// </summary>
internal interface IMailboxCreationFeed
{
    /// <summary>
    /// Raised after the mailbox exists, outside the store's locks, with the owner's user id and the mailbox's name. A
    /// name may come again (a parent CREATE found in place): a listener keeps what it already watches.
    /// </summary>
    event Action<string, string>? MailboxCreated;
}
