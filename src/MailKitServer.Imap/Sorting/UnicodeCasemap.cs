using System.Text;

namespace MailKitServer.Imap.Sorting;

/// <summary>
/// The i;unicode-casemap collation (RFC 5051), which SORT and THREAD use for strings (RFC 5256 §7, RFC 5255
/// I18NLEVEL=1): every code point is mapped to its simple titlecase and then fully decomposed; the results are
/// compared as UTF-8 octet strings. A key is made once per string so a sort compares octets only.
/// </summary>
internal static class UnicodeCasemap
{
    /// <summary>The collation key of a string: its "titlecased canonicalized UTF-8" form (RFC 5051 §2).</summary>
    /// <param name="text">The text, already decoded (RFC 2047 encoded words removed).</param>
    /// <returns>The UTF-8 octets to compare with <see cref="Compare"/>.</returns>
    public static byte[] Key(string text)
    {
        if (text.Length == 0)
        {
            return [];
        }

        if (Ascii.IsValid(text))
        {
            // Fast path: for ASCII, titlecase is upper case and nothing decomposes.
            var bytes = new byte[text.Length];
            Ascii.ToUpper(text, bytes, out _);
            return bytes;
        }

        var sb = new StringBuilder(text.Length + 8);
        Span<char> buffer = stackalloc char[2];
        foreach (var rune in text.EnumerateRunes())
        {
            var title = Titlecase(rune);
            if (title.IsAscii)
            {
                sb.Append((char)title.Value);
                continue;
            }

            var length = title.EncodeToUtf16(buffer);
            var single = new string(buffer[..length]);

            // RFC 5051 §2 step (3): the titlecased code point's decomposition (canonical and compatibility, applied
            // until nothing decomposes further), per code point so no reordering crosses characters.
            sb.Append(Decompose(title, single));
        }

        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    private static string Decompose(Rune rune, string text)
    {
        // Unassigned code points and noncharacters have no decomposition (and the normaliser refuses them).
        if (Rune.GetUnicodeCategory(rune) is System.Globalization.UnicodeCategory.OtherNotAssigned or System.Globalization.UnicodeCategory.PrivateUse)
        {
            return text;
        }

        return text.IsNormalized(NormalizationForm.FormKD) ? text : text.Normalize(NormalizationForm.FormKD);
    }

    /// <summary>Compares two keys; UTF-8 octet order is code point order.</summary>
    /// <param name="a">A key.</param>
    /// <param name="b">Another key.</param>
    /// <returns>Negative, zero or positive.</returns>
    public static int Compare(byte[] a, byte[] b) => a.AsSpan().SequenceCompareTo(b);

    /// <summary>
    /// The simple titlecase mapping (UnicodeData.txt field 14). It equals the simple upper-case mapping except for
    /// the Latin digraphs, whose titlecase is the mixed form (U+01C5, U+01C8, U+01CB, U+01F2), and Georgian
    /// Mkhedruli, whose titlecase is itself (its upper case is Mtavruli), and the dotless i.
    /// </summary>
    /// <param name="rune">A code point.</param>
    /// <returns>Its titlecase.</returns>
    internal static Rune Titlecase(Rune rune) => rune.Value switch
    {
        >= 0x01C4 and <= 0x01C6 => new Rune(0x01C5),
        >= 0x01C7 and <= 0x01C9 => new Rune(0x01C8),
        >= 0x01CA and <= 0x01CC => new Rune(0x01CB),
        >= 0x01F1 and <= 0x01F3 => new Rune(0x01F2),
        (>= 0x10D0 and <= 0x10FA) or (>= 0x10FD and <= 0x10FF) => rune,
        0x0131 => new Rune('I'), // .NET's invariant casing leaves the dotless i alone; UnicodeData maps it to I
        _ => Rune.ToUpperInvariant(rune),
    };
}
