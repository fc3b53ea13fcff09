using System.Buffers;
using System.Collections.Concurrent;
using System.Text;

namespace MailKitServer.Imap.Structure;

/// <summary>RFC 2047 encoded words: decoding (B and Q, adjacent words joined) for IMAP SEARCH and SORT.</summary>
/// <remarks>
/// Why not MimeKit's <c>Rfc2047.DecodeText</c> (issue 17): it answers as Dovecot does except in two ways that lose
/// or invent text a SEARCH finds. A B word without its base64 padding (<c>=?utf-8?b?cGFkbGVzcw?=</c>, "padless")
/// loses its last octets ("padles"); Dovecot decodes them, as we do. And it joins the octets of adjacent words before
/// decoding, so a UTF-8 character split over two words becomes one character where Dovecot (and RFC 2047 §5: each
/// word holds whole characters) shows two broken ones. Charsets cannot come from MimeKit either: its
/// <c>CharsetUtils</c> is internal in 4.18.2. Shown by <c>StructureDecodingTests.MimeKit_differs_from_dovecot_here</c>
/// and the Dovecot comparison <c>DovecotDecodingComparisonTests</c>.
/// </remarks>
internal static class EncodedWords
{
    private const int KnownLimit = 512;

    /// <summary>
    /// Charsets found so far, by name as written (case-insensitive): every lookup went through the name table and the
    /// code-pages provider's code page table, about 3% of a SEARCH TEXT over 20,000 messages (issue 24).
    /// </summary>
    private static readonly ConcurrentDictionary<string, Encoding> Known = new(StringComparer.OrdinalIgnoreCase);

    /// <summary><see cref="Known"/> looked up by a span of the header (no string per encoded word).</summary>
    private static readonly ConcurrentDictionary<string, Encoding>.AlternateLookup<ReadOnlySpan<char>> KnownBySpan = Known.GetAlternateLookup<ReadOnlySpan<char>>();

#pragma warning disable SYSLIB0001 // UTF-7 is obsolete for writing; reading what mailers sent in it is what is needed here.
    private static readonly Encoding Utf7 = new UTF7Encoding();
#pragma warning restore SYSLIB0001

    static EncodedWords() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>Finds a charset by name (the code-pages provider is registered, so ISO-8859-x, windows-125x, KOI8-R, ... work).</summary>
    /// <param name="charset">The charset name; an RFC 2231 language suffix (<c>*en</c>) is ignored.</param>
    /// <returns>The encoding, or <see langword="null"/> when unknown.</returns>
    public static Encoding? GetEncoding(string? charset) => charset is null ? null : GetEncoding(charset.AsSpan());

    /// <summary>As <see cref="GetEncoding(string?)"/>, for a name within a header value: no string for a charset found before.</summary>
    /// <param name="charset">The charset name as written.</param>
    /// <returns>The encoding, or <see langword="null"/> when unknown.</returns>
    public static Encoding? GetEncoding(ReadOnlySpan<char> charset)
    {
        var star = charset.IndexOf('*');
        var name = (star >= 0 ? charset[..star] : charset).Trim();
        if (name.IsEmpty)
        {
            return null;
        }

        if (name.Equals("utf-8", StringComparison.OrdinalIgnoreCase) || name.Equals("utf8", StringComparison.OrdinalIgnoreCase))
        {
            return Encoding.UTF8;
        }

        return KnownBySpan.TryGetValue(name, out var known) ? known : Resolve(name.ToString());
    }

    /// <summary>A charset name not looked up before (trimmed, without a language suffix), kept in <see cref="Known"/> when it resolves.</summary>
    private static Encoding? Resolve(string name)
    {
        Encoding? found;
        try
        {
            found = name.ToLowerInvariant() switch
            {
                "us-ascii" or "ascii" => Encoding.ASCII,
                "latin1" => Encoding.Latin1,

                // The runtime refuses UTF-7 by name (SYSLIB0001) and threw NotSupportedException here: a SEARCH BODY
                // or TEXT over a UTF-7 part, or a SUBJECT search over a UTF-7 encoded word, answered "NO Internal
                // error". Mailers still send it and Dovecot reads it (iconv): its decoder is still there.
                "utf-7" or "utf7" or "unicode-1-1-utf-7" or "csunicode11utf7" or "unicode-2-0-utf-7" => Utf7,
                var c => Encoding.GetEncoding(c),
            };
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException)
        {
            return null;
        }

        // Only names that resolve are kept, and only so many: they are few (the runtime's and the code-pages
        // provider's names and aliases), while the names a message may claim are not.
        if (Known.Count < KnownLimit)
        {
            Known.TryAdd(name, found);
        }

        return found;
    }

    /// <summary>Decodes every encoded word in a header value, as Dovecot's and MimeKit's decoders do.</summary>
    /// <param name="value">The raw value as it stands in the header, encoded words and all.</param>
    /// <returns>The decoded text; malformed words are left as they are.</returns>
    /// <remarks>
    /// A word is decoded wherever it stands, also inside a comment or a run of text (<c>abc=?utf-8?q?def?=ghi</c>),
    /// which RFC 2047 §5 does not allow but every reader does; white space between adjacent encoded words is dropped
    /// (RFC 2047 §6.2), folding included.
    /// </remarks>
    public static string Decode(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        value = HeaderOctets.Unescape(value);
        var start = value.IndexOf("=?", StringComparison.Ordinal);
        if (start < 0)
        {
            return value;
        }

        var text = new PooledChars(value.Length + 16);
        try
        {
            DecodeInto(value.AsSpan(), start, ref text);
            return text.Span.ToString();
        }
        finally
        {
            text.Dispose();
        }
    }

    /// <summary>
    /// Whether <see cref="Decode"/> of the value holds <paramref name="needle"/>, ignoring case as
    /// <see cref="StringComparison.OrdinalIgnoreCase"/> does, without making the decoded text a string: SEARCH
    /// SUBJECT/HEADER/TEXT decode a field of every message of a mailbox (issue 24).
    /// </summary>
    /// <param name="value">The raw value.</param>
    /// <param name="needle">The text searched for.</param>
    /// <returns>Whether it is there.</returns>
    public static bool DecodedContains(string value, string needle)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(needle);
        return DecodedTextContains(HeaderOctets.Unescape(value), needle);
    }

    /// <summary>
    /// As <see cref="DecodedContains(string, string)"/> of the value <see cref="HeaderOctets.Decode"/> makes of
    /// <paramref name="octets"/>, without making it: a value read and unescaped is its octets in UTF-8 when they are
    /// valid UTF-8, else in Latin-1 (an escaped octet is read as Latin-1). SEARCH HEADER/SUBJECT over cached header
    /// blocks then makes no string per message (issue 24).
    /// </summary>
    /// <param name="octets">A field's value as octets, unfolded and trimmed.</param>
    /// <param name="needle">The text searched for.</param>
    /// <returns>Whether it is there.</returns>
    public static bool DecodedContains(ReadOnlySpan<byte> octets, string needle)
    {
        ArgumentNullException.ThrowIfNull(needle);
        var value = new PooledChars(octets.Length + 16);
        try
        {
            var room = value.Reserve(octets.Length);
            value.Advance(System.Text.Unicode.Utf8.IsValid(octets) ? Encoding.UTF8.GetChars(octets, room) : Encoding.Latin1.GetChars(octets, room));
            return DecodedTextContains(value.Span, needle);
        }
        finally
        {
            value.Dispose();
        }
    }

    /// <summary>Whether an unescaped value, its encoded words decoded (into a pooled buffer, not a string), holds the needle ignoring case.</summary>
    private static bool DecodedTextContains(ReadOnlySpan<char> value, string needle)
    {
        var start = value.IndexOf("=?", StringComparison.Ordinal);
        if (start < 0)
        {
            return value.Contains(needle, StringComparison.OrdinalIgnoreCase);
        }

        var text = new PooledChars(value.Length + 16);
        try
        {
            DecodeInto(value, start, ref text);
            return text.Span.Contains(needle, StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            text.Dispose();
        }
    }

    /// <summary>Where <paramref name="what"/> occurs in <paramref name="value"/> at or after <paramref name="from"/>, or -1.</summary>
    private static int IndexFrom(ReadOnlySpan<char> value, string what, int from)
    {
        if (from > value.Length)
        {
            return -1;
        }

        var found = value[from..].IndexOf(what, StringComparison.Ordinal);
        return found < 0 ? -1 : from + found;
    }

    /// <summary>The decoding of <see cref="Decode"/> from the first "=?" on, into a pooled buffer.</summary>
    private static void DecodeInto(ReadOnlySpan<char> value, int start, ref PooledChars text)
    {
        var plain = 0;
        var lastWordEnd = -1;
        while (start >= 0)
        {
            if (!TryParseWord(value, start, out var word))
            {
                start = IndexFrom(value, "=?", start + 2);
                continue;
            }

            // RFC 2047 §6.2: white space between adjacent encoded words is not displayed.
            var between = value.Slice(plain, start - plain);
            if (plain != lastWordEnd || !between.Trim(" \t\r\n").IsEmpty)
            {
                text.Append(between);
            }

            AppendDecoded(value[word.TextStart..word.TextEnd], word, ref text);
            plain = lastWordEnd = word.Next;
            start = IndexFrom(value, "=?", word.Next);
        }

        text.Append(value[plain..]);
    }

    /// <summary>
    /// Reads an encoded word's parts at <paramref name="start"/>: <c>"=?" charset "?" encoding "?" encoded-text "?="</c>
    /// with a known charset, B or Q, and no space in the text. False leaves it as plain text.
    /// </summary>
    private static bool TryParseWord(ReadOnlySpan<char> value, int start, out EncodedWord word)
    {
        word = default;
        if (start + 8 > value.Length || value[start] != '=' || value[start + 1] != '?')
        {
            return false;
        }

        var q1 = IndexFrom(value, "?", start + 2);
        if (q1 < 0 || q1 + 2 >= value.Length || value[q1 + 2] != '?')
        {
            return false;
        }

        var end = IndexFrom(value, "?=", q1 + 3);
        if (end < 0)
        {
            return false;
        }

        var encoding = char.ToUpperInvariant(value[q1 + 1]);
        if (value[(q1 + 3)..end].Contains(' ') || encoding is not ('B' or 'Q') || GetEncoding(value[(start + 2)..q1]) is not { } charset)
        {
            return false;
        }

        word = new EncodedWord(charset, encoding == 'B', q1 + 3, end, end + 2);
        return true;
    }

    /// <summary>
    /// Appends an encoded word's text decoded: B as base64 of its ASCII octets (a word with nothing decodable stands
    /// for no text, as Dovecot and MimeKit drop it), Q as quoted-printable of its Latin-1 octets with '_' for a space;
    /// then read in its charset. The same octets and characters the string-making decoder produced.
    /// </summary>
    private static void AppendDecoded(ReadOnlySpan<char> encoded, EncodedWord word, ref PooledChars text)
    {
        var octets = ArrayPool<byte>.Shared.Rent((encoded.Length * 2) + 4);
        var decoded = ArrayPool<byte>.Shared.Rent((encoded.Length * 2) + 4);
        try
        {
            int length;
            if (word.Base64)
            {
                var n = Encoding.ASCII.GetBytes(encoded, octets);
                length = TransferDecoding.DecodeBase64(octets.AsSpan(0, n), decoded);
            }
            else
            {
                // Latin-1 writes '?' for any character above U+00FF, so only an '_' gives the octet 0x5F.
                var n = Encoding.Latin1.GetBytes(encoded, octets);
                octets.AsSpan(0, n).Replace((byte)'_', (byte)' ');
                length = TransferDecoding.DecodeQuotedPrintable(octets.AsSpan(0, n), decoded, header: true);
            }

            var chars = text.Reserve(word.Charset.GetMaxCharCount(length));
            text.Advance(word.Charset.GetChars(decoded.AsSpan(0, length), chars));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(decoded);
            ArrayPool<byte>.Shared.Return(octets);
        }
    }

    /// <summary>Where an encoded word's parts lie in the value, and its charset.</summary>
    private readonly record struct EncodedWord(Encoding Charset, bool Base64, int TextStart, int TextEnd, int Next);
}
