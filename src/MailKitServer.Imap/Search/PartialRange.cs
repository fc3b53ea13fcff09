using System.Globalization;

namespace MailKitServer.Imap.Search;

/// <summary>
/// The range of a PARTIAL return option (RFC 5267 §4.4; negative ranges counting from the end, RFC 9394 §3):
/// positions in the ordered result list, 1 being the first result (or, negative, -1 being the last).
/// </summary>
/// <param name="First">The position nearer the start (negative ranges: nearer the end, e.g. -1).</param>
/// <param name="Last">The position farther from the start (negative ranges: farther from the end, e.g. -100).</param>
internal readonly record struct PartialRange(long First, long Last)
{
    /// <summary>Whether the range counts from the end of the results.</summary>
    public bool FromEnd => First < 0;

    /// <summary>
    /// Parses <c>nz-number ":" nz-number</c> (either order: 500:400 is 400:500) or
    /// <c>"-" nz-number ":" "-" nz-number</c>. <c>*</c>, a single number and a mixed sign are invalid.
    /// </summary>
    /// <param name="text">The range text.</param>
    /// <param name="range">The range, normalised.</param>
    /// <returns><see langword="true"/> when valid.</returns>
    public static bool TryParse(string text, out PartialRange range)
    {
        range = default;
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0 || !TryNumber(text.AsSpan(0, colon), out var a) || !TryNumber(text.AsSpan(colon + 1), out var b) || (a < 0) != (b < 0))
        {
            return false;
        }

        range = Math.Abs(a) <= Math.Abs(b) ? new PartialRange(a, b) : new PartialRange(b, a);
        return true;
    }

    /// <summary>The indexes (0-based, ascending) of the results the range selects.</summary>
    /// <param name="count">How many results there are.</param>
    /// <returns>The first index and how many; the count is 0 when the range lies beyond the results.</returns>
    public (int Start, int Length) Select(int count)
    {
        long start, end;
        if (FromEnd)
        {
            // -1 is the last result: -First..-Last counted back from the end.
            start = count + Last;
            end = count + First;
        }
        else
        {
            start = First - 1;
            end = Last - 1;
        }

        start = Math.Max(start, 0);
        end = Math.Min(end, count - 1L);
        return end < start ? (0, 0) : ((int)start, (int)(end - start + 1));
    }

    /// <inheritdoc />
    public override string ToString() => First.ToString(CultureInfo.InvariantCulture) + ":" + Last.ToString(CultureInfo.InvariantCulture);

    private static bool TryNumber(ReadOnlySpan<char> text, out long value)
    {
        value = 0;
        var negative = text.Length > 0 && text[0] == '-';
        var digits = negative ? text[1..] : text;

        // nz-number = digit-nz *DIGIT, at most 4294967295 (RFC 3501 §9).
        if (digits.Length is 0 or > 10 || digits[0] is < '1' or > '9' || !uint.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            return false;
        }

        value = negative ? -(long)n : n;
        return true;
    }
}
