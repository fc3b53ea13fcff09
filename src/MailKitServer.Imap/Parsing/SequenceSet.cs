using System.Globalization;

namespace MailKitServer.Imap.Parsing;

/// <summary>An IMAP sequence set (RFC 3501 §9 sequence-set): numbers, ranges and <c>*</c> for the largest number in use.</summary>
public sealed class SequenceSet
{
    private readonly List<(uint First, uint Last)> _ranges;

    private SequenceSet(List<(uint, uint)> ranges) => _ranges = ranges;

    /// <summary>Whether this is "$", the result saved by SEARCH RETURN (SAVE) (RFC 5182).</summary>
    public bool IsSaved { get; private init; }

    /// <summary>Parses a sequence set; <c>*</c> is kept as <see cref="uint.MaxValue"/> until resolved.</summary>
    /// <param name="text">The text, such as <c>1:3,7,9:*</c>.</param>
    /// <param name="set">The set.</param>
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

            set._ranges.Add((Math.Min(a, b), Math.Max(a, b)));
        }

        return true;
    }

    /// <summary>Whether a number is in the set, with <c>*</c> standing for <paramref name="largest"/>.</summary>
    /// <param name="number">The number.</param>
    /// <param name="largest">The largest number in use.</param>
    /// <returns><see langword="true"/> when it is.</returns>
    public bool Contains(uint number, uint largest)
    {
        foreach (var (first, last) in _ranges)
        {
            var f = first == uint.MaxValue ? largest : first;
            var l = last == uint.MaxValue ? largest : last;
            if (number >= Math.Min(f, l) && number <= Math.Max(f, l))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The largest explicit number (not <c>*</c>), for range checks.</summary>
    public uint MaxExplicit => _ranges.SelectMany(r => new[] { r.First, r.Last }).Where(n => n != uint.MaxValue).DefaultIfEmpty(0u).Max();

    private static bool Number(string s, out uint n)
    {
        if (s == "*")
        {
            n = uint.MaxValue;
            return true;
        }

        // RFC 3501: nz-number, no leading zero.
        return uint.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out n) && n > 0 && s[0] != '0';
    }
}
