
namespace MailKitServer.Imap.Sorting;

/// <summary>
/// The header data SORT and THREAD need, per message, shared by the sessions of one IMAP listener and sized by its
/// <see cref="ImapOptions.SortCacheSize"/>: a message never changes once stored, so (mailbox incarnation, UID) names
/// its data for good. Bounded: when full, the oldest entries (by insertion) make room, so a mailbox larger than the
/// cache costs re-reads of headers, never unbounded memory.
/// </summary>
internal sealed class SortDataCache
{
    private readonly Dictionary<(string Mailbox, uint Uid), MessageSortData> _entries = [];
    private readonly Queue<(string Mailbox, uint Uid)> _order = new();
    private readonly Lock _lock = new();

    public SortDataCache(int capacity) => Capacity = Math.Max(16, capacity);

    /// <summary>How many messages' data are kept.</summary>
    public int Capacity { get; }

    /// <summary>Looks a message up.</summary>
    /// <param name="mailboxKey">The mailbox incarnation (user, name, UIDVALIDITY).</param>
    /// <param name="uid">The UID.</param>
    /// <param name="data">The data, when cached.</param>
    /// <returns><see langword="true"/> when cached.</returns>
    public bool TryGet(string mailboxKey, uint uid, out MessageSortData data)
    {
        lock (_lock)
        {
            return _entries.TryGetValue((mailboxKey, uid), out data!);
        }
    }

    /// <summary>Keeps a message's data, making room first when full.</summary>
    /// <param name="mailboxKey">The mailbox incarnation.</param>
    /// <param name="uid">The UID.</param>
    /// <param name="data">The data; the first one kept for a message stays (a second Add is ignored).</param>
    public void Add(string mailboxKey, uint uid, MessageSortData data)
    {
        lock (_lock)
        {
            if (!_entries.TryAdd((mailboxKey, uid), data))
            {
                return;
            }

            _order.Enqueue((mailboxKey, uid));
            while (_order.Count > Capacity)
            {
                _entries.Remove(_order.Dequeue());
            }
        }
    }
}
