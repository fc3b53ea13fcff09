using System.Text;

namespace MailKitServer.Imap.Structure;

/// <summary>RFC 2047 encoded words: decoding (B and Q, adjacent words joined) for IMAP SEARCH.</summary>
internal static class EncodedWords
{
    static EncodedWords() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>Finds a charset by name (the code-pages provider is registered, so ISO-8859-x, windows-125x, KOI8-R, ... work).</summary>
    /// <param name="charset">The charset name; an RFC 2231 language suffix (<c>*en</c>) is ignored.</param>
    /// <returns>The encoding, or <see langword="null"/> when unknown.</returns>
    public static Encoding? GetEncoding(string? charset)
    {
        if (string.IsNullOrWhiteSpace(charset))
        {
            return null;
        }

        var star = charset.IndexOf('*', StringComparison.Ordinal);
        if (star >= 0)
        {
            charset = charset[..star];
        }

        try
        {
            return charset.Trim().ToLowerInvariant() switch
            {
                "utf8" => Encoding.UTF8,
                "us-ascii" or "ascii" => Encoding.ASCII,
                "latin1" => Encoding.Latin1,
                var c => Encoding.GetEncoding(c),
            };
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>Decodes every encoded word in an unstructured header value (RFC 2047 §6).</summary>
    /// <param name="value">The value.</param>
    /// <returns>The decoded text; malformed words are left as they are.</returns>
    public static string Decode(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        value = HeaderOctets.Unescape(value);
        if (!value.Contains("=?", StringComparison.Ordinal))
        {
            return value;
        }

        var sb = new StringBuilder(value.Length);
        var i = 0;
        var lastWasWord = false;
        var pendingWhitespace = new StringBuilder();
        while (i < value.Length)
        {
            if (value[i] is ' ' or '\t')
            {
                pendingWhitespace.Append(value[i++]);
                continue;
            }

            if (TryDecodeWord(value, i, out var decoded, out var next))
            {
                // RFC 2047 §6.2: white space between adjacent encoded words is ignored.
                if (!lastWasWord)
                {
                    sb.Append(pendingWhitespace);
                }

                pendingWhitespace.Clear();
                sb.Append(decoded);
                i = next;
                lastWasWord = true;
                continue;
            }

            sb.Append(pendingWhitespace);
            pendingWhitespace.Clear();
            var end = i;
            while (end < value.Length && value[end] is not (' ' or '\t'))
            {
                end++;
            }

            sb.Append(value, i, end - i);
            i = end;
            lastWasWord = false;
        }

        sb.Append(pendingWhitespace);
        return sb.ToString();
    }

    private static bool TryDecodeWord(string value, int start, out string decoded, out int next)
    {
        // encoded-word = "=?" charset "?" encoding "?" encoded-text "?="
        decoded = string.Empty;
        next = start;
        if (start + 8 > value.Length || value[start] != '=' || value[start + 1] != '?')
        {
            return false;
        }

        var q1 = value.IndexOf('?', start + 2);
        if (q1 < 0 || q1 + 2 >= value.Length || value[q1 + 2] != '?')
        {
            return false;
        }

        var end = value.IndexOf("?=", q1 + 3, StringComparison.Ordinal);
        if (end < 0)
        {
            return false;
        }

        var charset = value[(start + 2)..q1];
        var encoding = char.ToUpperInvariant(value[q1 + 1]);
        var text = value[(q1 + 3)..end];
        if (text.Contains(' ', StringComparison.Ordinal) || GetEncoding(charset) is not { } enc)
        {
            return false;
        }

        byte[] bytes;
        if (encoding == 'B')
        {
            if (!TransferDecoding.TryDecodeBase64(Encoding.ASCII.GetBytes(text), out bytes))
            {
                return false;
            }
        }
        else if (encoding == 'Q')
        {
            bytes = TransferDecoding.DecodeQuotedPrintable(Encoding.Latin1.GetBytes(text.Replace('_', ' ')), header: true);
        }
        else
        {
            return false;
        }

        decoded = enc.GetString(bytes);
        next = end + 2;
        return true;
    }
}
