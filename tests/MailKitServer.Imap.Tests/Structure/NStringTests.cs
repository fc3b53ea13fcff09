using System.Globalization;
using System.Text;
using MailKitServer.Imap.Structure;
using Xunit;

namespace MailKitServer.Imap.Tests.Structure;

/// <summary>
/// ENVELOPE and BODYSTRUCTURE strings (RFC 3501 §4.3, RFC 9051 §4.3): NIL, a quoted string with <c>"</c> and <c>\</c>
/// escaped, or a literal for what quoting cannot carry (CR, LF, NUL, 8-bit outside UTF-8, escaped header octets,
/// long values). The writer searches spans; these tests hold it to the rules spelled out character by character.
/// </summary>
public sealed class NStringTests
{
    [Theory]
    [InlineData(null, false, "NIL")]
    [InlineData("", false, "\"\"")]
    [InlineData("plain", false, "\"plain\"")]
    [InlineData("say \"hi\" \\o/", false, "\"say \\\"hi\\\" \\\\o/\"")]
    [InlineData("\"", false, "\"\\\"\"")]
    [InlineData("a\r\nb", false, "{4}\r\na\r\nb")]
    [InlineData("caf\u00e9", false, "{5}\r\ncaf\u00e9")]
    [InlineData("caf\u00e9", true, "\"caf\u00e9\"")]
    [InlineData("nul\0", true, "{4}\r\nnul\0")]
    public void Writes_the_form_the_value_needs(string? value, bool utf8, string expected)
    {
        var sb = new StringBuilder();
        ImapStructureWriter.NString(sb, value, utf8);
        Assert.Equal(expected, sb.ToString());
    }

    [Fact]
    public void Random_values_are_written_as_the_rules_say()
    {
        var random = new Random(2026_11_30);
        char[] alphabet = ['a', 'Z', ' ', '"', '\\', '\r', '\n', '\0', '\t', '\u00e9', '\u20ac', '\uD83D', '\uDC80', '\uDCFF', '~', '\u007f'];
        for (var run = 0; run < 5_000; run++)
        {
            var length = random.Next(0, run % 100 == 0 ? 5_000 : 40);
            var chars = new char[length];
            for (var i = 0; i < length; i++)
            {
                chars[i] = alphabet[random.Next(alphabet.Length)];
            }

            var value = new string(chars);
            foreach (var utf8 in new[] { false, true })
            {
                var sb = new StringBuilder();
                ImapStructureWriter.NString(sb, value, utf8);
                Assert.Equal(Expected(value, utf8), sb.ToString());
            }
        }
    }

    /// <summary>The rules one character at a time.</summary>
    private static string Expected(string value, bool utf8)
    {
        var literal = value.Length > 4096 || HeaderOctets.HasEscapes(value);
        foreach (var c in value)
        {
            literal |= c is '\r' or '\n' or '\0' || (c > 127 && !utf8);
        }

        if (literal)
        {
            return "{" + HeaderOctets.Count(value).ToString(CultureInfo.InvariantCulture) + "}\r\n" + value;
        }

        var sb = new StringBuilder("\"");
        foreach (var c in value)
        {
            if (c is '"' or '\\')
            {
                sb.Append('\\');
            }

            sb.Append(c);
        }

        return sb.Append('"').ToString();
    }
}
