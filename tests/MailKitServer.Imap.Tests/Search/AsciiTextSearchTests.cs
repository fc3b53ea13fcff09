using System.Text;
using MailKitServer.Imap.Search;
using MailKitServer.Imap.Structure;
using Xunit;

namespace MailKitServer.Imap.Tests.Search;

/// <summary>
/// SEARCH BODY and TEXT look for an ASCII string in a plain ASCII part's octets instead of its decoded text (issue 24):
/// the answer must be the decoded text's (<see cref="string.Contains(string, StringComparison)"/>, OrdinalIgnoreCase)
/// for every part, those searched in octets and those left to the decoding (8-bit text, base64, quoted-printable,
/// UTF-7, ISO-2022-JP, UTF-16, unknown charsets), for needles in any case, empty, non-ASCII or made of raw octets.
/// </summary>
public sealed class AsciiTextSearchTests
{
    private static readonly string[] Needles =
    [
        "", "a", "A", "zeta", "ZeTa", "eta z", "i", "I", "s", "S", "k", "K", "ss", "+AGE", "AGEAYgBj", "abc", "$B", "%F",
        "\u0131", "\u017f", "\u212a", "caf", "caf\u00e9", "\u00e9", "\r\n", "z\r\ne", "-", "?", "\u30c6", "ta\r", "a?b", "?b",
        "ab", "a\u00e9b", "\ufffd", "t\u00e9", "das", "da?s", "bad ", " A u",
    ];

    private static readonly string[] Parts =
    [
        "Content-Type: text/plain; charset=us-ascii\r\n\r\nZeta is here, and abc.\r\n",
        "Content-Type: text/plain\r\nContent-Transfer-Encoding: 7BIT\r\n\r\nno charset: zeta\r\nline two\r\n",
        "Content-Type: text/plain; charset=\"UTF-8\"\r\nContent-Transfer-Encoding: 8bit\r\n\r\nda\u0131s \u017fome \u212aelvin caf\u00e9 zeta\r\n",
        "Content-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: 8bit\r\n\r\ncaf\u00e9 latin zeta\r\n",
        "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nze=74a soft=\r\nbreak caf=C3=A9\r\n",
        "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\nWmV0YSBpbiBiYXNlNjQ=\r\n",
        "Content-Type: text/plain; charset=utf-7\r\n\r\nHi +AGEAYgBj- there\r\n",
        "Content-Type: text/plain; charset=iso-2022-jp\r\nContent-Transfer-Encoding: 7bit\r\n\r\n\u001b$B%F%9%H\u001b(B zeta\r\n",
        "Content-Type: text/plain; charset=x-unknown-charset\r\n\r\nunknown charset ZETA\r\n",
        "Content-Type: text/plain; charset=windows-1252\r\nContent-Transfer-Encoding: binary\r\n\r\nplain windows text, eta z\r\n",
        "Content-Type: text/html; charset=koi8-r\r\n\r\n<p>Zeta</p>\r\n",
        "Content-Type: text/plain; charset=ebcdic-cp-us\r\n\r\nAbc\r\n",
        "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nbad =C3A utf-8 =FF=FE zeta =E2=82 a?b\r\n",
        "Content-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n8-bit in ascii: a=FFb zeta\r\n",
        "Content-Type: text/plain; charset=windows-1252\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nundefined a=81b and =E9t=E9\r\n",
        "Content-Type: text/plain; charset=iso-8859-9\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nturkish da=FDs\r\n",
        "Content-Type: text/plain\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nno charset 8-bit a=E9b =C3=A9 zeta\r\n",
        "Content-Type: text/plain; charset=\"utf-8\"\r\nContent-Transfer-Encoding: base64\r\n\r\nWmV0YSDDvG5pY29kZSDEsSDFvyDihKo=\r\n",
    ];

    [Fact]
    public void Octet_search_equals_ordinal_ignore_case_on_ascii_text()
    {
        var random = new Random(24);
        const string alphabet = "aAbBzZ-_ 0\r\n";
        for (var round = 0; round < 20_000; round++)
        {
            var haystack = RandomText(random, alphabet, random.Next(0, 24));
            var needle = RandomText(random, alphabet, random.Next(0, 4));
            Assert.True(
                haystack.Contains(needle, StringComparison.OrdinalIgnoreCase) == AsciiTextSearch.Contains(Encoding.ASCII.GetBytes(haystack), Encoding.ASCII.GetBytes(needle)),
                $"'{haystack}' / '{needle}'");
        }

        Assert.True(AsciiTextSearch.Contains("aaab"u8, "AAB"u8));
        Assert.True(AsciiTextSearch.Contains("xyz"u8, "xyz"u8));
        Assert.False(AsciiTextSearch.Contains("xy"u8, "xyz"u8));
        Assert.True(AsciiTextSearch.Contains("a@b"u8, "@"u8));
        Assert.False(AsciiTextSearch.Contains("a`b"u8, "@"u8));
    }

    [Fact]
    public void Every_part_answers_as_its_decoded_text_does()
    {
        foreach (var part in Parts)
        {
            // Alone, and as the second part of a multipart message after a part that never matches.
            foreach (var message in new[] { part, Multipart(part) })
            {
                var bytes = Encoding.UTF8.GetBytes(message);
                if (message.Contains("latin", StringComparison.Ordinal))
                {
                    bytes = Encoding.Latin1.GetBytes(message);
                }

                var root = StructureParser.Parse(bytes);
                StructurePart[] textParts = [.. root.Descendants().Where(p => p.ContentType.MediaType == "text" && p.BodySize > 0)];
                Assert.NotEmpty(textParts);
                foreach (var needle in Needles.Concat(Needles.Select(n => n.ToUpperInvariant())))
                {
                    var expected = textParts.Any(p => SearchTexts.DecodeText(p, Body(bytes, p)).Contains(needle, StringComparison.OrdinalIgnoreCase));
                    var parts = new DecodedTextParts(bytes, textParts);
                    Assert.True(expected == parts.AnyContains(needle), $"'{needle}' in {message}");

                    // Asked again, and after the texts were decoded (the enumeration keeps them).
                    Assert.Equal(expected, parts.AnyContains(needle));
                    _ = parts.ToList();
                    Assert.Equal(expected, parts.AnyContains(needle));
                }
            }
        }
    }

    [Fact]
    public void Octets_are_searched_only_where_they_read_as_themselves()
    {
        Assert.True(AsciiTextSearch.CanSearchOctets(null, "caf\u00e9 \xff"u8));
        Assert.True(AsciiTextSearch.CanSearchOctets("UTF-8", "caf\u00e9"u8));
        Assert.True(AsciiTextSearch.CanSearchOctets("x-unknown", "caf\u00e9"u8));
        Assert.True(AsciiTextSearch.CanSearchOctets("iso-8859-15", "plain"u8));
        Assert.True(AsciiTextSearch.CanSearchOctets("us-ascii", "plain"u8));
        Assert.False(AsciiTextSearch.CanSearchOctets("iso-8859-9", [(byte)'a', 0xFD]));
        Assert.False(AsciiTextSearch.CanSearchOctets("windows-1252", [(byte)'a', 0x81]));
        Assert.False(AsciiTextSearch.CanSearchOctets("us-ascii", [(byte)'a', 0x81]));
        Assert.False(AsciiTextSearch.CanSearchOctets("utf-7", "+AGE-"u8));
        Assert.False(AsciiTextSearch.CanSearchOctets("ISO-2022-JP", "plain"u8));
        Assert.False(AsciiTextSearch.CanSearchOctets("utf-16", "plain"u8));
        Assert.Null(AsciiTextSearch.NeedleOctets("caf\u00e9"));
        Assert.Equal("Zeta"u8.ToArray(), AsciiTextSearch.NeedleOctets("Zeta"));
    }

    [Fact]
    public void No_character_outside_ascii_matches_an_ascii_one_ignoring_case()
    {
        // What the octet search rests on: in OrdinalIgnoreCase no character outside ASCII (dotless i, long s, the
        // Kelvin sign included) equals an ASCII one.
        for (var c = 0x80; c <= 0xFFFF; c++)
        {
            if (c is >= 0xD800 and <= 0xDFFF)
            {
                continue;
            }

            var text = "<" + (char)c + ">";
            for (var a = 0x20; a < 0x7F; a++)
            {
                Assert.False(text.Contains("<" + (char)a + ">", StringComparison.OrdinalIgnoreCase), $"U+{c:X4} ~ {(char)a}");
            }
        }
    }

    private static string Multipart(string part) =>
        "Subject: parts\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nfirst part, nothing\r\n--b\r\n"
        + part + "--b--\r\n";

    private static ReadOnlySpan<byte> Body(byte[] bytes, StructurePart part) =>
        bytes.AsSpan((int)part.BodyOffset, (int)Math.Min(part.BodySize, bytes.Length - part.BodyOffset));

    private static string RandomText(Random random, string alphabet, int length)
    {
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = alphabet[random.Next(alphabet.Length)];
        }

        return new string(chars);
    }
}
