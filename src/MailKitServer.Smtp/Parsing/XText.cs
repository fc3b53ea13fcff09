using System.Text;

namespace MailKitServer.Smtp.Parsing;

/// <summary>The xtext encoding of DSN parameters (RFC 3461 §4): <c>+XX</c> hex escapes.</summary>
internal static class XText
{
    /// <summary>Decodes xtext.</summary>
    /// <param name="text">The encoded text.</param>
    /// <param name="decoded">The decoded text.</param>
    /// <returns><see langword="true"/> when the encoding is valid.</returns>
    public static bool TryDecode(ReadOnlySpan<byte> text, out string decoded)
    {
        decoded = string.Empty;
        var bytes = new byte[text.Length];
        var n = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == (byte)'+')
            {
                if (i + 2 >= text.Length || !IsUpperHex(text[i + 1]) || !IsUpperHex(text[i + 2]))
                {
                    return false;
                }

                bytes[n++] = (byte)((HexValue(text[i + 1]) << 4) | HexValue(text[i + 2]));
                i += 2;
            }
            else if (c < 33 || c > 126 || c == (byte)'=')
            {
                return false;
            }
            else
            {
                bytes[n++] = c;
            }
        }

        decoded = Encoding.UTF8.GetString(bytes, 0, n);
        return true;
    }

    /// <summary>Encodes text as xtext.</summary>
    /// <param name="text">Any text; "+", "=" and octets outside "!" to "~" become "+XX" (RFC 3461 §4).</param>
    /// <returns>The encoding.</returns>
    public static string Encode(string text)
    {
        var sb = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            if (b is < 33 or > 126 or (byte)'+' or (byte)'=')
            {
                sb.Append('+').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                sb.Append((char)b);
            }
        }

        return sb.ToString();
    }

    private static bool IsUpperHex(byte b) => b is (>= (byte)'0' and <= (byte)'9') or (>= (byte)'A' and <= (byte)'F');

    private static int HexValue(byte b) => b <= (byte)'9' ? b - '0' : b - 'A' + 10;
}
