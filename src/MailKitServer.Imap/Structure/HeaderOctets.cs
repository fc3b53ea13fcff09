using System.Text;

namespace MailKitServer.Imap.Structure;

/// <summary>
/// Header text that keeps its octets. A header that is not valid UTF-8 (RFC 6532) — Latin-1 octets in a From or
/// Subject, say — is held with each 8-bit octet as a lone surrogate U+DC80..U+DCFF, so ENVELOPE and BODYSTRUCTURE
/// send the octets the message has, as Dovecot does, instead of inventing a transcoding; SEARCH reads them as Latin-1.
/// </summary>
internal static class HeaderOctets
{
    private static readonly UTF8Encoding StrictUtf8 = new(false, throwOnInvalidBytes: true);

    /// <summary>Header octets as text: UTF-8 when valid, else with 8-bit octets escaped.</summary>
    /// <param name="bytes">The octets.</param>
    /// <returns>The text.</returns>
    public static string Decode(ReadOnlySpan<byte> bytes)
    {
        if (Ascii.IsValid(bytes))
        {
            return Encoding.ASCII.GetString(bytes);
        }

        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return string.Create(bytes.Length, bytes.ToArray(), static (chars, octets) =>
            {
                for (var i = 0; i < octets.Length; i++)
                {
                    chars[i] = octets[i] < 0x80 ? (char)octets[i] : (char)(0xDC00 + octets[i]);
                }
            });
        }
    }

    /// <summary>Whether the text holds escaped octets (it came from a header that is not UTF-8).</summary>
    /// <returns>True when some character stands for an 8-bit octet.</returns>
    public static bool HasEscapes(string text) => HasEscapes(text.AsSpan());

    /// <summary>Whether the text holds escaped octets.</summary>
    /// <returns>True when some character stands for an 8-bit octet.</returns>
    public static bool HasEscapes(ReadOnlySpan<char> text)
    {
        var from = 0;
        while (text[from..].IndexOfAnyInRange('\uDC80', '\uDCFF') is var found and >= 0)
        {
            if (IsEscape(text, from + found))
            {
                return true;
            }

            from += found + 1;
        }

        return false;
    }

    /// <summary>The text with escaped octets read as Latin-1 (for searching and decoding).</summary>
    /// <returns>The text without escapes.</returns>
    public static string Unescape(string text) => !HasEscapes(text) ? text : string.Create(text.Length, text, static (chars, source) =>
    {
        for (var i = 0; i < source.Length; i++)
        {
            chars[i] = IsEscape(source, i) ? (char)(source[i] - 0xDC00) : source[i];
        }
    });

    /// <summary>The octets to send: UTF-8, with escaped octets sent as the octets they stand for.</summary>
    /// <returns>The octets.</returns>
    public static byte[] Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!HasEscapes(text))
        {
            return Encoding.UTF8.GetBytes(text);
        }

        var output = new List<byte>(text.Length + 16);
        var start = 0;
        for (var i = 0; i <= text.Length; i++)
        {
            if (i < text.Length && !IsEscape(text, i))
            {
                continue;
            }

            output.AddRange(Encoding.UTF8.GetBytes(text, start, i - start));
            if (i < text.Length)
            {
                output.Add((byte)(text[i] - 0xDC00));
            }

            start = i + 1;
        }

        return [.. output];
    }

    /// <summary>
    /// What <see cref="Encode(string)"/> gives for the builder's text, encoded into the caller's buffer (grown when too
    /// small) instead of a new string and a new array: a FETCH of a 20,000-message mailbox writes 20,000 lines (issue 24).
    /// </summary>
    /// <param name="text">The text.</param>
    /// <param name="encoder">A UTF-8 encoder the caller keeps (reset here): it carries a surrogate pair across chunks.</param>
    /// <param name="buffer">The caller's buffer, replaced by a larger one when needed.</param>
    /// <returns>The octets, in <paramref name="buffer"/> (or, in the rare exact case, in an array of their own).</returns>
    public static ReadOnlySpan<byte> Encode(StringBuilder text, Encoder encoder, ref byte[] buffer)
    {
        foreach (var chunk in text.GetChunks())
        {
            if (chunk.Span.IndexOfAnyInRange('\uDC80', '\uDCFF') >= 0)
            {
                // Rare (escaped octets, or a character beyond U+FFFF whose low half looks like one): the exact way.
                return Encode(text.ToString());
            }
        }

        var most = Encoding.UTF8.GetMaxByteCount(text.Length);
        if (buffer.Length < most)
        {
            buffer = new byte[Math.Max(most, buffer.Length * 2)];
        }

        encoder.Reset();
        var length = 0;
        foreach (var chunk in text.GetChunks())
        {
            length += encoder.GetBytes(chunk.Span, buffer.AsSpan(length), flush: false);
        }

        length += encoder.GetBytes([], buffer.AsSpan(length), flush: true);
        return buffer.AsSpan(0, length);
    }

    /// <summary>How many octets <see cref="Encode(string)"/> gives.</summary>
    /// <returns>The count.</returns>
    public static int Count(string text) => HasEscapes(text) ? Encode(text).Length : Encoding.UTF8.GetByteCount(text);

    /// <summary>
    /// Whether the character at <paramref name="index"/> stands for an octet: U+DC80..U+DCFF on its own. The low half of
    /// a surrogate pair can lie in that range too (U+1F480 is D83D DC80); that is a character of valid UTF-8 text.
    /// </summary>
    private static bool IsEscape(ReadOnlySpan<char> text, int index) =>
        text[index] is >= '\uDC80' and <= '\uDCFF' && (index == 0 || !char.IsHighSurrogate(text[index - 1]));
}
