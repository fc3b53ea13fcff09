namespace MailKitServer.Storage.Maildir;

/// <summary>Tells listeners when a mailbox comes into being (<see cref="IMailboxCreationFeed"/>).</summary>
public sealed partial class MaildirMessageStore : IMailboxCreationFeed
{
    private readonly object _creationListenersLock = new();
    private Action<string, string>? _mailboxCreated;

    event Action<string, string>? IMailboxCreationFeed.MailboxCreated
    {
        add
        {
            lock (_creationListenersLock)
            {
                _mailboxCreated += value;
            }
        }

        remove
        {
            lock (_creationListenersLock)
            {
                _mailboxCreated -= value;
            }
        }
    }

    /// <summary>Tells the listeners, outside the store's locks, that these mailboxes of a user exist now.</summary>
    internal void OnMailboxesCreated(string userId, IEnumerable<string> names)
    {
        var listeners = _mailboxCreated;
        if (listeners is null)
        {
            return;
        }

        foreach (var name in names)
        {
            listeners(userId, name);
        }
    }
}
