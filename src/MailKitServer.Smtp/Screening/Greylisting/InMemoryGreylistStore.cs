using System.Collections.Concurrent;

namespace MailKitServer.Smtp.Screening.Greylisting;

/// <summary>Greylisting records in memory: a restart forgets them. Expired records are dropped as records are added.</summary>
public sealed class InMemoryGreylistStore : IGreylistStore, Runtime.IBlockingHint
{
    /// <summary>Everything is in memory: never blocks.</summary>
    bool Runtime.IBlockingHint.MayBlock => false;

    private readonly ConcurrentDictionary<string, GreylistEntry> _entries = new(StringComparer.Ordinal);
    private int _savesSincePurge;

    /// <summary>How many records are kept (expired ones included until the next purge).</summary>
    public int Count => _entries.Count;

    /// <inheritdoc />
    public ValueTask<GreylistEntry?> FindAsync(string key, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_entries.TryGetValue(key, out var entry) ? entry : null);

    /// <inheritdoc />
    public ValueTask SaveAsync(GreylistEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        _entries[entry.Key] = entry;

        // Drop expired records once the saves since the last purge reach the number kept: amortised O(1) per save.
        if (Interlocked.Increment(ref _savesSincePurge) > Math.Max(1000, _entries.Count))
        {
            Interlocked.Exchange(ref _savesSincePurge, 0);
            foreach (var (key, kept) in _entries)
            {
                if (kept.Expires <= entry.LastSeen)
                {
                    _entries.TryRemove(new KeyValuePair<string, GreylistEntry>(key, kept));
                }
            }
        }

        return ValueTask.CompletedTask;
    }
}
