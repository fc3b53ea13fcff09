namespace MailKitServer.Imap.Parsing;

/// <summary>
/// Numbers from the wire, parsed with overflow checks into their RFC 9051 §9 ranges: number (0..4294967295),
/// nz-number (1..4294967295), number64 (0..9223372036854775807) and nz-number64. Digits only: no sign, no space.
/// </summary>
internal static class ImapNumber
{
    /// <summary>number = 1*DIGIT, at most 4294967295.</summary>
    public static bool TryParseNumber(ReadOnlySpan<char> text, out uint value)
    {
        value = 0;
        if (!TryParse(text, uint.MaxValue, out var v))
        {
            return false;
        }

        value = (uint)v;
        return true;
    }

    /// <summary>nz-number = digit-nz *DIGIT, 1..4294967295 (no leading zero).</summary>
    public static bool TryParseNzNumber(ReadOnlySpan<char> text, out uint value) =>
        TryParseNumber(text, out value) && value > 0 && text[0] != '0';

    /// <summary>number64 = 1*DIGIT, at most 9223372036854775807.</summary>
    public static bool TryParseNumber64(ReadOnlySpan<char> text, out long value)
    {
        value = 0;
        if (!TryParse(text, long.MaxValue, out var v))
        {
            return false;
        }

        value = (long)v;
        return true;
    }

    /// <summary>nz-number64: 1..9223372036854775807 (no leading zero).</summary>
    public static bool TryParseNzNumber64(ReadOnlySpan<char> text, out long value) =>
        TryParseNumber64(text, out value) && value > 0 && text[0] != '0';

    private static bool TryParse(ReadOnlySpan<char> text, ulong max, out ulong value)
    {
        value = 0;
        if (text.IsEmpty || text.Length > 20)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }

            var digit = (ulong)(c - '0');
            if (value > (max - digit) / 10)
            {
                return false;
            }

            value = (value * 10) + digit;
        }

        return true;
    }
}
