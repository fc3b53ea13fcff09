using System.Runtime.CompilerServices;
using System.Collections;
using System.Text;

namespace MailKitServer.Storage;

/// <summary>An immutable set of UIDs kept as sorted, merged ranges, so <c>1:*</c> over a large mailbox stays small.</summary>
public sealed class UidSet : IEnumerable<uint>
{
    private readonly UidRange[] _ranges;

    private UidSet(UidRange[] ranges) => _ranges = ranges;

    /// <summary>The empty set.</summary>
    public static UidSet Empty { get; } = new([]);

    /// <summary>The ranges, sorted and disjoint.</summary>
    public IReadOnlyList<UidRange> Ranges => _ranges;

    /// <summary>Whether the set is empty.</summary>
    public bool IsEmpty => _ranges.Length == 0;

    /// <summary>How many UIDs the set holds.</summary>
    public long Count
    {
        get
        {
            long n = 0;
            foreach (var r in _ranges)
            {
                n += (long)r.Last - r.First + 1;
            }

            return n;
        }
    }

    /// <summary>Makes a set from ranges in any order, merging overlaps.</summary>
    /// <param name="ranges">The ranges; a range given high-to-low is turned round.</param>
    /// <returns>The set.</returns>
    public static UidSet FromRanges(IEnumerable<UidRange> ranges)
    {
        var list = ranges.Select(r => r.First <= r.Last ? r : new UidRange(r.Last, r.First)).OrderBy(r => r.First).ToList();
        var merged = new List<UidRange>(list.Count);
        foreach (var r in list)
        {
            if (merged.Count > 0 && (ulong)merged[^1].Last + 1 >= r.First)
            {
                var last = merged[^1];
                merged[^1] = new UidRange(last.First, Math.Max(last.Last, r.Last));
            }
            else
            {
                merged.Add(r);
            }
        }

        return new UidSet([.. merged]);
    }

    /// <summary>Makes a set from single UIDs.</summary>
    /// <param name="uids">The UIDs.</param>
    /// <returns>The set.</returns>
    public static UidSet FromUids(IEnumerable<uint> uids) => FromRanges(uids.Select(u => new UidRange(u, u)));

    /// <summary>Whether the set holds a UID.</summary>
    /// <param name="uid">The UID.</param>
    /// <returns><see langword="true"/> when it does.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // asked once per message by a STORE over a mailbox (issue 24)
    public bool Contains(uint uid)
    {
        int lo = 0, hi = _ranges.Length - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var r = _ranges[mid];
            if (uid < r.First)
            {
                hi = mid - 1;
            }
            else if (uid > r.Last)
            {
                lo = mid + 1;
            }
            else
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Writes the set in IMAP sequence-set syntax, such as <c>1:3,7</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString()
    {
        var sb = new StringBuilder();
        foreach (var r in _ranges)
        {
            if (sb.Length > 0)
            {
                sb.Append(',');
            }

            sb.Append(r.First);
            if (r.Last != r.First)
            {
                sb.Append(':').Append(r.Last);
            }
        }

        return sb.ToString();
    }

    /// <inheritdoc />
    public IEnumerator<uint> GetEnumerator()
    {
        foreach (var r in _ranges)
        {
            for (var u = (ulong)r.First; u <= r.Last; u++)
            {
                yield return (uint)u;
            }
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
