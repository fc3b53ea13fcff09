using System.Text;

namespace MailKitServer.Imap.Search;

/// <summary>
/// SEARCH BODY and TEXT over a text part's transfer-decoded octets without making its text (issue 24: SEARCH TEXT over
/// 20,000 messages made every part a string twice its size). It answers only where the answer cannot differ from
/// <see cref="string.Contains(string, StringComparison)"/> with <see cref="StringComparison.OrdinalIgnoreCase"/> on the
/// text <c>TransferDecoding.ToText</c> makes: the needle is ASCII, and the charset reads each ASCII octet as that
/// character and every other octet as characters outside ASCII. OrdinalIgnoreCase folds no character outside ASCII
/// to one inside it (checked over the whole BMP), so an ASCII needle matches the text exactly where it matches the
/// octets with ASCII's case folding. UTF-8 (invalid sequences become U+FFFD, never swallowing an ASCII octet) and no or
/// an unknown charset (UTF-8, else each 8-bit octet as a Latin-1 character) qualify whatever the octets; US-ASCII and
/// the single-octet charsets (ISO-8859-x, windows-125x, KOI8) only when every octet is ASCII (they read an 8-bit
/// octet they lack as "?"); anything else (UTF-7, ISO-2022-JP, UTF-16, EBCDIC...) is left to the decoding.
/// </summary>
internal static class AsciiTextSearch
{
    /// <summary>The needle's octets when it is ASCII, else null (then only the decoded text can answer).</summary>
    /// <param name="needle">The SEARCH string.</param>
    /// <returns>Its octets, or null.</returns>
    public static byte[]? NeedleOctets(string needle) => Ascii.IsValid(needle) ? Encoding.ASCII.GetBytes(needle) : null;

    /// <summary>Whether a text part's transfer-decoded octets can be searched as they are (see the type's summary).</summary>
    /// <param name="charset">The part's charset parameter, or null.</param>
    /// <param name="decoded">Its body, transfer-decoded.</param>
    /// <returns>Whether <see cref="Contains"/> answers as the decoded text would.</returns>
    public static bool CanSearchOctets(string? charset, ReadOnlySpan<byte> decoded) => Structure.EncodedWords.GetEncoding(charset) switch
    {
        null => true,
        var utf8 when ReferenceEquals(utf8, Encoding.UTF8) => true,
        UTF8Encoding or { CodePage: 20127 or 20866 or 21866 or (>= 28591 and <= 28606) or (>= 1250 and <= 1258) } => Ascii.IsValid(decoded),
        _ => false,
    };

    /// <summary>Whether <paramref name="haystack"/> holds <paramref name="needle"/>, ASCII letters compared without case.</summary>
    /// <param name="haystack">The octets searched (an 8-bit octet matches no octet of the needle).</param>
    /// <param name="needle">ASCII octets.</param>
    /// <returns>Whether it is there (an empty needle always is).</returns>
    public static bool Contains(ReadOnlySpan<byte> haystack, ReadOnlySpan<byte> needle)
    {
        if (needle.IsEmpty)
        {
            return true;
        }

        var first = needle[0];
        var lower = (byte)(first | 0x20);
        var letter = lower is >= (byte)'a' and <= (byte)'z';
        var upper = (byte)(lower & ~0x20);
        var rest = needle[1..];
        var at = 0;
        while (haystack.Length - at >= needle.Length)
        {
            var window = haystack[at..(haystack.Length - rest.Length)];
            var found = letter ? window.IndexOfAny(lower, upper) : window.IndexOf(first);
            if (found < 0)
            {
                return false;
            }

            at += found;
            if (Ascii.EqualsIgnoreCase(haystack.Slice(at + 1, rest.Length), rest))
            {
                return true;
            }

            at++;
        }

        return false;
    }
}
