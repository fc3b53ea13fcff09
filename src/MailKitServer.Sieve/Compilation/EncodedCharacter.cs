using System.Globalization;
using System.Text;
using MailKitServer.Sieve.Grammar;

namespace MailKitServer.Sieve.Compilation;

/// <summary>
/// RFC 5228 §2.4.2.4 encoded characters: <c>${hex:41 42}</c> (octets of UTF-8) and <c>${unicode:263A}</c> (code
/// points) in strings of a script that requires "encoded-character". A malformed sequence stays as written.
/// </summary>
internal static class EncodedCharacter
{
    /// <summary>Decodes the sequences in one string.</summary>
    /// <param name="text">The string.</param>
    /// <param name="line">The line, for errors.</param>
    /// <returns>The decoded string.</returns>
    /// <exception cref="SieveSyntaxException">A <c>${unicode:}</c> names an invalid code point (RFC 5228 §2.4.2.4 makes it an error).</exception>
    public static string Decode(string text, int line)
    {
        if (!text.Contains("${", StringComparison.Ordinal))
        {
            return text;
        }

        var sb = new StringBuilder(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            var start = text.IndexOf("${", i, StringComparison.Ordinal);
            if (start < 0)
            {
                sb.Append(text, i, text.Length - i);
                break;
            }

            sb.Append(text, i, start - i);
            var end = text.IndexOf('}', start);
            var colon = text.IndexOf(':', start);
            if (end < 0 || colon < 0 || colon > end)
            {
                sb.Append("${");
                i = start + 2;
                continue;
            }

            var kind = text.AsSpan(start + 2, colon - start - 2);
            var body = text.AsSpan(colon + 1, end - colon - 1);
            var decoded = kind.Equals("hex", StringComparison.OrdinalIgnoreCase) ? DecodeHex(body)
                : kind.Equals("unicode", StringComparison.OrdinalIgnoreCase) ? DecodeUnicode(body, line)
                : null;
            if (decoded is null)
            {
                sb.Append("${");
                i = start + 2;
                continue;
            }

            sb.Append(decoded);
            i = end + 1;
        }

        return sb.ToString();
    }

    private static string[] Items(ReadOnlySpan<char> body) =>
        body.ToString().Split([' ', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries);

    private static string? DecodeHex(ReadOnlySpan<char> body)
    {
        var items = Items(body);
        var bytes = new List<byte>();
        foreach (var item in items)
        {
            if (item.Length is 0 or > 2 || !byte.TryParse(item, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var b))
            {
                return null;
            }

            bytes.Add(b);
        }

        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    private static string? DecodeUnicode(ReadOnlySpan<char> body, int line)
    {
        var items = Items(body);
        var sb = new StringBuilder();
        foreach (var item in items)
        {
            if (item.Length is 0 or > 8 || !int.TryParse(item, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var cp))
            {
                return null;
            }

            if (cp is < 0 or > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            {
                throw new SieveSyntaxException(line, $"invalid Unicode code point {item} in an encoded character");
            }

            sb.Append(char.ConvertFromUtf32(cp));
        }

        return sb.ToString();
    }
}
