using System.Globalization;
using System.Text;

namespace MailKitServer.Imap.Metadata;

/// <summary>An annotation value as the METADATA response writes it (RFC 5464 §5: value = nstring / literal8).</summary>
internal static class MetadataValue
{
    /// <summary>The longest value sent as a quoted string; longer ones go as literals.</summary>
    private const int QuotedLimit = 256;

    /// <summary>
    /// Appends the value: quoted when it is short printable ASCII (quote and backslash escaped), a literal when it holds
    /// other octets but no NUL, a literal8 ("~{n}") when it holds NUL, which no other string may carry.
    /// </summary>
    /// <param name="output">The response being built (octets).</param>
    /// <param name="value">The value's octets, any of the 256 (the encoding is chosen to carry them).</param>
    public static void Write(List<byte> output, ReadOnlySpan<byte> value)
    {
        if (value.Length <= QuotedLimit && IsQuotable(value))
        {
            output.Add((byte)'"');
            foreach (var b in value)
            {
                if (b is (byte)'"' or (byte)'\\')
                {
                    // RFC 9051 §9: quoted-specials are escaped with a backslash.
                    output.Add((byte)'\\');
                }

                output.Add(b);
            }

            output.Add((byte)'"');
            return;
        }

        var prefix = (value.Contains((byte)0) ? "~{" : "{") + value.Length.ToString(CultureInfo.InvariantCulture) + "}\r\n";
        output.AddRange(Encoding.ASCII.GetBytes(prefix));
        output.AddRange(value);
    }

    private static bool IsQuotable(ReadOnlySpan<byte> value)
    {
        foreach (var b in value)
        {
            if (b is < 0x20 or > 0x7E)
            {
                return false;
            }
        }

        return true;
    }
}
