namespace MailKitServer.Sieve.Matching;

/// <summary>
/// The comparators of RFC 4790 that Sieve requires (RFC 5228 §2.7.3): <c>i;octet</c>, <c>i;ascii-casemap</c> and
/// <c>i;ascii-numeric</c>, with equality, substring, ordering (RFC 5231) and wildcard match.
/// </summary>
internal sealed class SieveComparator
{
    /// <summary>i;octet: exact.</summary>
    public static readonly SieveComparator Octet = new(false, false);

    /// <summary>i;ascii-casemap: ASCII letters compare without case.</summary>
    public static readonly SieveComparator AsciiCaseMap = new(true, false);

    /// <summary>i;ascii-numeric: the leading digits as a number; no digits is positive infinity (RFC 4790 §9.1.1).</summary>
    public static readonly SieveComparator AsciiNumeric = new(false, true);

    private SieveComparator(bool caseMap, bool numeric)
    {
        CaseMap = caseMap;
        Numeric = numeric;
    }

    /// <summary>Whether ASCII letters compare without case.</summary>
    public bool CaseMap { get; }

    /// <summary>Whether values compare as numbers.</summary>
    public bool Numeric { get; }

    /// <summary>The comparator a script names.</summary>
    /// <param name="name">The name (checked at compilation).</param>
    /// <returns>The comparator.</returns>
    public static SieveComparator ForName(string? name) => name switch
    {
        "i;octet" => Octet,
        "i;ascii-numeric" => AsciiNumeric,
        _ => AsciiCaseMap,
    };

    /// <summary>Orders two values (equality is a zero).</summary>
    /// <param name="a">The first value.</param>
    /// <param name="b">The second value.</param>
    /// <returns>Negative, zero or positive.</returns>
    public int Compare(string a, string b)
    {
        if (Numeric)
        {
            return CompareNumbers(a, b);
        }

        var n = Math.Min(a.Length, b.Length);
        for (var i = 0; i < n; i++)
        {
            var d = Fold(a[i]) - Fold(b[i]);
            if (d != 0)
            {
                return d;
            }
        }

        return a.Length - b.Length;
    }

    /// <summary>Whether <paramref name="value"/> contains <paramref name="key"/>.</summary>
    /// <param name="value">The text tested.</param>
    /// <param name="key">The script's key; the empty key is in every value.</param>
    /// <returns>Whether it does.</returns>
    public bool Contains(string value, string key) =>
        value.Contains(key, CaseMap ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal) && (!CaseMap || AsciiContains(value, key));

    /// <summary>Whether two characters are equal under this comparator.</summary>
    /// <param name="a">One.</param>
    /// <param name="b">The other.</param>
    /// <returns>Whether they are.</returns>
    public bool CharEquals(char a, char b) => Fold(a) == Fold(b);

    private char Fold(char c) => CaseMap && c is >= 'a' and <= 'z' ? (char)(c - 32) : c;

    private bool AsciiContains(string value, string key)
    {
        // OrdinalIgnoreCase folds beyond ASCII; i;ascii-casemap folds only a-z, so confirm with the ASCII fold.
        for (var start = 0; start + key.Length <= value.Length; start++)
        {
            var i = 0;
            while (i < key.Length && Fold(value[start + i]) == Fold(key[i]))
            {
                i++;
            }

            if (i == key.Length)
            {
                return true;
            }
        }

        return false;
    }

    private static int CompareNumbers(string a, string b)
    {
        var x = Digits(a);
        var y = Digits(b);
        if (x.IsEmpty || y.IsEmpty)
        {
            return x.IsEmpty && y.IsEmpty ? 0 : x.IsEmpty ? 1 : -1;
        }

        x = x.TrimStart('0');
        y = y.TrimStart('0');
        return x.Length != y.Length ? x.Length - y.Length : x.SequenceCompareTo(y);
    }

    private static ReadOnlySpan<char> Digits(string s)
    {
        var n = 0;
        while (n < s.Length && char.IsAsciiDigit(s[n]))
        {
            n++;
        }

        return s.AsSpan(0, n);
    }
}
