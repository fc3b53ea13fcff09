namespace MailKitServer.Imap.Parsing;

/// <summary>An IMAP sequence set (RFC 3501 §9 sequence-set): numbers, ranges and <c>*</c> for the largest number in use.</summary>
internal sealed class SequenceSet
{
    private readonly List<(uint First, uint Last)> _ranges;
    private (uint First, uint Last)[]? _merged;
    private uint _mergedFor;

    private SequenceSet(List<(uint, uint)> ranges) => _ranges = ranges;

    /// <summary>Whether this is "$", the result saved by SEARCH RETURN (SAVE) (RFC 5182).</summary>
    public bool IsSaved { get; private init; }

    /// <summary>Parses a sequence set; <c>*</c> is kept as 0 (never a valid number) until resolved.</summary>
    /// <param name="text">The text, such as <c>1:3,7,9:*</c>.</param>
    /// <param name="set">The set; empty when invalid.</param>
    /// <returns><see langword="true"/> when valid.</returns>
    public static bool TryParse(string text, out SequenceSet set)
    {
        set = new SequenceSet([]);
        if (text == "$")
        {
            set = new SequenceSet([]) { IsSaved = true };
            return true;
        }

        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        foreach (var part in text.Split(','))
        {
            var colon = part.IndexOf(':', StringComparison.Ordinal);
            if (!Number(colon < 0 ? part : part[..colon], out var a) || (colon >= 0 && !Number(part[(colon + 1)..], out _)))
            {
                return false;
            }

            var b = a;
            if (colon >= 0)
            {
                Number(part[(colon + 1)..], out b);
            }

            set._ranges.Add((a, b));
        }

        return true;
    }

    /// <summary>Whether a number is in the set, with <c>*</c> standing for <paramref name="largest"/>.</summary>
    /// <param name="number">A sequence number or UID, as the set holds.</param>
    /// <param name="largest">The largest number in use.</param>
    /// <returns><see langword="true"/> when it is.</returns>
    public bool Contains(uint number, uint largest)
    {
        var ranges = Merged(largest);
        int lo = 0, hi = ranges.Length - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            if (number < ranges[mid].First)
            {
                hi = mid - 1;
            }
            else if (number > ranges[mid].Last)
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

    /// <summary>
    /// The set as ascending, non-overlapping ranges with <c>*</c> resolved to <paramref name="largest"/> (a range
    /// n:* with n above it is largest:n, RFC 9051 §9). However many ranges a client sends, a lookup costs log(ranges).
    /// </summary>
    /// <param name="largest">The largest number in use.</param>
    /// <returns>The ranges.</returns>
    internal (uint First, uint Last)[] Merged(uint largest)
    {
        if (_merged is { } cached && _mergedFor == largest)
        {
            return cached;
        }

        var sorted = _ranges.Select(r =>
        {
            var f = r.First == Star ? largest : r.First;
            var l = r.Last == Star ? largest : r.Last;
            return (First: Math.Min(f, l), Last: Math.Max(f, l));
        }).OrderBy(r => r.First).ToList();
        var merged = new List<(uint First, uint Last)>();
        foreach (var r in sorted)
        {
            if (merged.Count > 0 && r.First <= (ulong)merged[^1].Last + 1)
            {
                merged[^1] = (merged[^1].First, Math.Max(merged[^1].Last, r.Last));
            }
            else
            {
                merged.Add(r);
            }
        }

        _mergedFor = largest;
        return _merged = [.. merged];
    }

    /// <summary>The largest explicit number (not <c>*</c>), for range checks.</summary>
    public uint MaxExplicit => _ranges.SelectMany(r => new[] { r.First, r.Last }).Where(n => n != Star).DefaultIfEmpty(0u).Max();

    /// <summary>"*" while unresolved: 0 is no nz-number, so 4294967295 stays itself.</summary>
    private const uint Star = 0;

    private static bool Number(string s, out uint n)
    {
        if (s == "*")
        {
            n = Star;
            return true;
        }

        // RFC 9051 §9: seq-number = nz-number / "*", 1..4294967295, no leading zero.
        return ImapNumber.TryParseNzNumber(s, out n);
    }
}
