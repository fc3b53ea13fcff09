namespace MailKitServer.Storage.Maildir;

/// <summary>Tells listeners when a mailbox comes into being (<see cref="IMailboxCreationFeed"/>).</summary>
public sealed partial class MaildirMessageStore : IMailboxCreationFeed
{
    private readonly MailboxCreationListeners _creationListeners = new();

    event Action<string, string>? IMailboxCreationFeed.MailboxCreated
    {
        add => _creationListeners.Add(value);
        remove => _creationListeners.Remove(value);
    }

    /// <summary>Tells the listeners, outside the store's locks, that these mailboxes of a user exist now.</summary>
    internal void OnMailboxesCreated(string userId, IEnumerable<string> names) => _creationListeners.Raise(userId, names);
}
