namespace MailKitServer.Storage;

/// <summary>The listeners of a store's <see cref="IMailboxCreationFeed.MailboxCreated"/>, kept for the stores that raise it.</summary>
internal sealed class MailboxCreationListeners
{
    private readonly object _lock = new();
    private Action<string, string>? _listeners;

    public void Add(Action<string, string>? listener)
    {
        lock (_lock)
        {
            _listeners += listener;
        }
    }

    public void Remove(Action<string, string>? listener)
    {
        lock (_lock)
        {
            _listeners -= listener;
        }
    }

    /// <summary>Tells the listeners, outside the store's locks, that these mailboxes of a user exist now.</summary>
    public void Raise(string userId, IEnumerable<string> names)
    {
        var listeners = _listeners;
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
