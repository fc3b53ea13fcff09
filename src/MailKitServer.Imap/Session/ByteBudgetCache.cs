namespace MailKitServer.Imap.Session;

/// <summary>
/// A least-recently-used cache bounded by the octets its entries keep (as the caller counts them), not by their
/// number: an entry over the per-entry limit is not kept at all, and when the total is over the capacity the least
/// recently used entries go. Keys are (mailbox key, UID): a stored message never changes, so an entry never goes
/// stale, it only has to be removed when the message is expunged. Thread-safe.
/// </summary>
/// <typeparam name="T">What is kept per message.</typeparam>
internal sealed class ByteBudgetCache<T>
    where T : class
{
    private readonly Dictionary<(string Mailbox, uint Uid), LinkedListNode<Entry>> _entries = [];
    private readonly LinkedList<Entry> _recency = [];
    private readonly long _capacity;
    private readonly long _entryLimit;
    private long _bytes;

    /// <summary>Creates a cache.</summary>
    /// <param name="capacity">The most octets all entries may hold together.</param>
    /// <param name="entryLimit">The most octets one entry may hold; larger ones are not kept.</param>
    public ByteBudgetCache(long capacity, long entryLimit)
    {
        _capacity = capacity;
        _entryLimit = Math.Min(entryLimit, capacity);
    }

    /// <summary>The octets the entries hold.</summary>
    public long Bytes
    {
        get
        {
            lock (_entries)
            {
                return _bytes;
            }
        }
    }

    /// <summary>How many entries are kept.</summary>
    public int Count
    {
        get
        {
            lock (_entries)
            {
                return _entries.Count;
            }
        }
    }

    public bool TryGet(string mailboxKey, uint uid, out T value)
    {
        lock (_entries)
        {
            if (_entries.TryGetValue((mailboxKey, uid), out var node))
            {
                _recency.Remove(node);
                _recency.AddFirst(node);
                value = node.Value.Value;
                return true;
            }
        }

        value = null!;
        return false;
    }

    /// <summary>Keeps an entry, making room by dropping the least recently used ones when over the capacity.</summary>
    /// <param name="mailboxKey">The mailbox.</param>
    /// <param name="uid">The message.</param>
    /// <param name="value">What is kept.</param>
    /// <param name="size">The octets it holds.</param>
    /// <param name="displace">
    /// False for what a scan over a whole mailbox reads (SEARCH TEXT): the entry is kept only where there is room.
    /// A scan of a mailbox larger than the cache would otherwise drop each entry before the next scan reaches it again
    /// and find none (issue 24: a repeated SEARCH TEXT over 20,000 messages parsed every one again); kept this way, what
    /// fits stays and a repeated scan finds that much.
    /// </param>
    public void Add(string mailboxKey, uint uid, T value, long size, bool displace = true)
    {
        if (size > _entryLimit)
        {
            return;
        }

        lock (_entries)
        {
            if (!displace && _bytes + size > _capacity)
            {
                return;
            }

            RemoveLocked((mailboxKey, uid));
            var node = _recency.AddFirst(new Entry((mailboxKey, uid), value, size));
            _entries[(mailboxKey, uid)] = node;
            _bytes += size;
            while (_bytes > _capacity && _recency.Last is { } oldest)
            {
                RemoveLocked(oldest.Value.Key);
            }
        }
    }

    /// <summary>Forgets an expunged message.</summary>
    public void Remove(string mailboxKey, uint uid)
    {
        lock (_entries)
        {
            RemoveLocked((mailboxKey, uid));
        }
    }

    private void RemoveLocked((string Mailbox, uint Uid) key)
    {
        if (_entries.Remove(key, out var node))
        {
            _recency.Remove(node);
            _bytes -= node.Value.Size;
        }
    }

    private sealed record Entry((string Mailbox, uint Uid) Key, T Value, long Size);
}
