using System.Collections.Concurrent;

namespace MailKitServer.Storage.PostgreSql.Notifications;

/// <summary>The local subscribers of a notifier; hands each hint to every one of them.</summary>
internal sealed class HintSubscribers
{
    private readonly ConcurrentDictionary<long, Action<MailboxChangeHint>> _handlers = new();
    private long _next;

    public IDisposable Add(Action<MailboxChangeHint> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var id = Interlocked.Increment(ref _next);
        _handlers[id] = handler;
        return new Subscription(this, id);
    }

    public void Dispatch(MailboxChangeHint hint)
    {
        foreach (var handler in _handlers.Values)
        {
            handler(hint);
        }
    }

    private sealed class Subscription(HintSubscribers owner, long id) : IDisposable
    {
        public void Dispose() => owner._handlers.TryRemove(id, out _);
    }
}
