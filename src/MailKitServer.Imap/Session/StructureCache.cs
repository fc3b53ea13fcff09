using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using MailKitServer.Imap.Structure;
using MailKitServer.Runtime;

namespace MailKitServer.Imap.Session;

/// <summary>
/// Parsed MIME structures shared by every IMAP session of one server. A message never changes once stored, so
/// (user, mailbox, UIDVALIDITY, UID) names one structure for good; the cache only has to stay bounded. When it is
/// full, the older half (by insertion) is dropped.
/// </summary>
internal sealed class StructureCache
{
    private static readonly ConditionalWeakTable<MailServerContext, StructureCache> Caches = [];
    private readonly ConcurrentDictionary<(string Mailbox, uint Uid), (StructurePart Root, long Stamp)> _entries = new();
    private readonly int _capacity;
    private long _stamp;

    private StructureCache(int capacity) => _capacity = Math.Max(16, capacity);

    /// <summary>The cache of one running server.</summary>
    public static StructureCache For(MailServerContext context, int capacity) => Caches.GetValue(context, _ => new StructureCache(capacity));

    public bool TryGet(string mailboxKey, uint uid, out StructurePart root)
    {
        if (_entries.TryGetValue((mailboxKey, uid), out var entry))
        {
            root = entry.Root;
            return true;
        }

        root = null!;
        return false;
    }

    public void Add(string mailboxKey, uint uid, StructurePart root)
    {
        if (_entries.Count >= _capacity)
        {
            Trim();
        }

        _entries[(mailboxKey, uid)] = (root, Interlocked.Increment(ref _stamp));
    }

    private void Trim()
    {
        lock (_entries)
        {
            if (_entries.Count < _capacity)
            {
                return;
            }

            var median = _entries.Values.Select(e => e.Stamp).OrderBy(s => s).ElementAt(_entries.Count / 2);
            foreach (var (key, value) in _entries)
            {
                if (value.Stamp <= median)
                {
                    _entries.TryRemove(key, out _);
                }
            }
        }
    }
}
