using System.Text;

namespace MailKitServer.Imap.Structure;

/// <summary>Content-Transfer-Encoding decoders (RFC 2045 §6): base64 and quoted-printable, tolerant of the usual damage.</summary>
/// <remarks>
/// Why not MimeKit's <c>Base64Decoder</c> and <c>QuotedPrintableDecoder</c> (issue 17): on the inputs that matter to
/// SEARCH BODY and FETCH BINARY they answer differently from Dovecot, and we answer as Dovecot does. Base64 without
/// its final padding loses its last one or two octets in MimeKit's incremental decoder (nothing flushes the last
/// quantum), and MimeKit reads on after a "=" pad where RFC 2045 §6.8 (and Dovecot) take it as the end of the data.
/// Quoted-printable: MimeKit keeps white space at the end of an encoded line, which rule (3) of RFC 2045 §6.7 says
/// is not data and which Dovecot and imaptest's fetch-binary-mime-qp remove. Shown by
/// <c>StructureDecodingTests.MimeKit_differs_from_dovecot_here</c> and <c>DovecotDecodingComparisonTests</c>.
/// </remarks>
internal static class TransferDecoding
{
    /// <summary>Decodes base64, skipping white space and characters outside the alphabet (RFC 2045 §6.8).</summary>
    /// <param name="input">The encoded octets.</param>
    /// <param name="output">The decoded octets.</param>
    /// <returns><see langword="false"/> when nothing decodable was found in a non-empty input.</returns>
    public static bool TryDecodeBase64(ReadOnlySpan<byte> input, out byte[] output)
    {
        var result = new byte[(input.Length * 3 / 4) + 3];
        var n = DecodeBase64(input, result, out var sawAny);
        output = result[..n];
        return sawAny || input.Trim(" \t\r\n"u8).IsEmpty;
    }

    /// <summary>Decodes base64 as <see cref="TryDecodeBase64"/> does, into the caller's buffer.</summary>
    /// <param name="input">The encoded octets.</param>
    /// <param name="output">Receives the decoded octets: at least (<paramref name="input"/>'s length × 3 / 4) + 3 long.</param>
    /// <returns>How many octets were decoded.</returns>
    public static int DecodeBase64(ReadOnlySpan<byte> input, Span<byte> output) => DecodeBase64(input, output, out _);

    private static int DecodeBase64(ReadOnlySpan<byte> input, Span<byte> output, out bool sawAny)
    {
        var n = 0;
        var quad = 0;
        var bits = 0;
        sawAny = false;
        foreach (var c in input)
        {
            int v = c switch
            {
                >= (byte)'A' and <= (byte)'Z' => c - 'A',
                >= (byte)'a' and <= (byte)'z' => c - 'a' + 26,
                >= (byte)'0' and <= (byte)'9' => c - '0' + 52,
                (byte)'+' => 62,
                (byte)'/' => 63,
                _ => -1,
            };
            if (c == (byte)'=')
            {
                break;
            }

            if (v < 0)
            {
                continue;
            }

            sawAny = true;
            quad = (quad << 6) | v;
            bits += 6;
            if (bits >= 8)
            {
                bits -= 8;
                output[n++] = (byte)(quad >> bits);
                quad &= (1 << bits) - 1;
            }
        }

        return n;
    }

    /// <summary>
    /// Decodes quoted-printable (RFC 2045 §6.7); soft line breaks are removed, bad escapes kept literally, and white
    /// space at the end of an encoded line is deleted as rule (3) asks.
    /// </summary>
    /// <param name="input">The encoded octets.</param>
    /// <param name="header">Whether this is the Q encoding of RFC 2047 (no line structure).</param>
    /// <returns>The decoded octets.</returns>
    public static byte[] DecodeQuotedPrintable(ReadOnlySpan<byte> input, bool header = false)
    {
        var output = new byte[input.Length];
        return output[..DecodeQuotedPrintable(input, output, header)];
    }

    /// <summary>Decodes quoted-printable as <see cref="DecodeQuotedPrintable(ReadOnlySpan{byte}, bool)"/> does, into the caller's buffer.</summary>
    /// <param name="input">The encoded octets.</param>
    /// <param name="output">Receives the decoded octets: at least as long as <paramref name="input"/> (decoding never lengthens).</param>
    /// <param name="header">Whether this is the Q encoding of RFC 2047 (no line structure).</param>
    /// <returns>How many octets were decoded.</returns>
    public static int DecodeQuotedPrintable(ReadOnlySpan<byte> input, Span<byte> output, bool header = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(output.Length, input.Length);
        var n = 0;

        // Octets before this index came from =XX escapes or soft breaks: encoded white space is data, never trimmed.
        var kept = 0;
        for (var i = 0; i < input.Length; i++)
        {
            var c = input[i];
            if (!header && c is (byte)'\r' or (byte)'\n')
            {
                // RFC 2045 §6.7 (3): transport-added white space at the end of a line is not data.
                while (n > kept && output[n - 1] is (byte)' ' or (byte)'\t')
                {
                    n--;
                }

                output[n++] = c;
                kept = n;
                continue;
            }

            if (c != (byte)'=')
            {
                output[n++] = c;
                continue;
            }

            // Soft line break: "=" followed by optional white space and a line end.
            var j = i + 1;
            while (!header && j < input.Length && input[j] is (byte)' ' or (byte)'\t')
            {
                j++;
            }

            if (!header && (j == input.Length || input[j] is (byte)'\r' or (byte)'\n'))
            {
                i = j < input.Length && input[j] == (byte)'\r' && j + 1 < input.Length && input[j + 1] == (byte)'\n' ? j + 1 : j;
                kept = n;
                continue;
            }

            if (i + 2 < input.Length && IsHex(input[i + 1]) && IsHex(input[i + 2]))
            {
                output[n++] = (byte)((Hex(input[i + 1]) << 4) | Hex(input[i + 2]));
                kept = n;
                i += 2;
            }
            else
            {
                output[n++] = c;
            }
        }

        while (!header && n > kept && output[n - 1] is (byte)' ' or (byte)'\t')
        {
            n--;
        }

        return n;
    }

    /// <summary>Decodes a body according to its Content-Transfer-Encoding (7bit, 8bit and binary pass through).</summary>
    /// <param name="body">The body octets.</param>
    /// <param name="transferEncoding">The encoding name.</param>
    /// <returns>The decoded octets.</returns>
    public static byte[] Decode(ReadOnlySpan<byte> body, string transferEncoding) => transferEncoding.ToLowerInvariant() switch
    {
        "base64" => TryDecodeBase64(body, out var b) ? b : body.ToArray(),
        "quoted-printable" => DecodeQuotedPrintable(body),
        _ => body.ToArray(),
    };

    /// <summary>Turns a decoded text body into a string through its charset (UTF-8, then Latin-1 when the charset is unknown).</summary>
    /// <param name="body">The decoded octets.</param>
    /// <param name="charset">The charset parameter.</param>
    /// <returns>The text.</returns>
    public static string ToText(ReadOnlySpan<byte> body, string? charset) =>
        EncodedWords.GetEncoding(charset) is { } encoding ? encoding.GetString(body) : HeaderOctets.Unescape(HeaderOctets.Decode(body));

    private static bool IsHex(byte b) => char.IsAsciiHexDigit((char)b);

    private static int Hex(byte b) => b <= (byte)'9' ? b - '0' : (b | 0x20) - 'a' + 10;
}
