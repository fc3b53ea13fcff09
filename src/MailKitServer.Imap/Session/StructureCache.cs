using MailKitServer.Imap.Structure;

namespace MailKitServer.Imap.Session;

/// <summary>
/// Parsed MIME structures shared by the sessions of one IMAP listener (the listener owns it). A message never changes
/// once stored, so (user, mailbox, UIDVALIDITY, UID) names one structure for good; the cache only has to stay bounded,
/// and it is bounded by memory, not by count: each entry's size is estimated from what the parse keeps (its parts and
/// their header fields), an entry larger than the per-entry limit is not kept at all (it is parsed again when asked
/// for: a hostile message of ten megabytes of header fields must not pin them), and when the total is over the
/// capacity the least recently used entries go. Expunged messages are removed as the sessions learn of them.
/// </summary>
internal sealed class StructureCache
{
    private readonly Dictionary<(string Mailbox, uint Uid), LinkedListNode<Entry>> _entries = [];
    private readonly LinkedList<Entry> _recency = [];
    private readonly long _capacity;
    private readonly long _entryLimit;
    private long _bytes;

    /// <summary>Creates a cache.</summary>
    /// <param name="capacity">The most octets (estimated) all entries may hold together.</param>
    /// <param name="entryLimit">The most octets (estimated) one entry may hold; larger structures are not kept.</param>
    public StructureCache(long capacity, long entryLimit)
    {
        _capacity = capacity;
        _entryLimit = Math.Min(entryLimit, capacity);
    }

    /// <summary>The estimated octets the entries hold.</summary>
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

    /// <summary>How many structures are kept.</summary>
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

    public bool TryGet(string mailboxKey, uint uid, out StructurePart root)
    {
        lock (_entries)
        {
            if (_entries.TryGetValue((mailboxKey, uid), out var node))
            {
                _recency.Remove(node);
                _recency.AddFirst(node);
                root = node.Value.Root;
                return true;
            }
        }

        root = null!;
        return false;
    }

    public void Add(string mailboxKey, uint uid, StructurePart root)
    {
        var size = EstimateSize(root);
        if (size > _entryLimit)
        {
            return;
        }

        lock (_entries)
        {
            RemoveLocked((mailboxKey, uid));
            var node = _recency.AddFirst(new Entry((mailboxKey, uid), root, size));
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

    /// <summary>
    /// An estimate, on the high side, of the octets a parsed structure keeps alive: per part the objects of the part,
    /// its content type and disposition; per header field the field and its two strings (UTF-16, so twice their
    /// length), counted twice over for the parameters and addresses parsed out of the values.
    /// </summary>
    internal static long EstimateSize(StructurePart root)
    {
        const long PerPart = 640;
        const long PerField = 96;
        long size = 0;
        foreach (var part in root.Descendants())
        {
            size += PerPart;
            foreach (var field in part.Headers)
            {
                size += PerField + (4L * (field.Name.Length + field.Value.Length));
            }
        }

        return size;
    }

    private void RemoveLocked((string Mailbox, uint Uid) key)
    {
        if (_entries.Remove(key, out var node))
        {
            _recency.Remove(node);
            _bytes -= node.Value.Size;
        }
    }

    private sealed record Entry((string Mailbox, uint Uid) Key, StructurePart Root, long Size);
}
