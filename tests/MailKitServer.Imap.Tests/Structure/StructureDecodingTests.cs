using System.Text;
using MailKitServer.Imap.Structure;
using MimeKit.Encodings;
using MimeKit.Utils;

namespace MailKitServer.Imap.Tests.Structure;

public class StructureDecodingTests
{
    [Theory]
    [InlineData("=?utf-8?q?caf=C3=A9?=", "café")]
    [InlineData("=?ISO-8859-1?Q?Andr=E9?= Pirard", "André Pirard")]
    [InlineData("=?utf-8?B?w6TDtsO8?= =?utf-8?B?IQ==?=", "äöü!")]
    [InlineData("(=?ISO-8859-1?Q?a?= b)", "(a b)")] // not delimited by white space (RFC 2047 §5), decoded all the same as Dovecot and MimeKit do
    [InlineData("abc=?utf-8?q?def?=ghi", "abcdefghi")]
    [InlineData("=?utf-8?q?a?=\r\n =?utf-8?q?b?=", "ab")]
    [InlineData("=?utf-8?b?!!!?= tail", " tail")]
    [InlineData("=?utf-8?b?cGFkbGVzcw?=", "padless")]
    [InlineData("=?utf-8?q?=C3?= =?utf-8?q?=A9t=C3=A9?=", "\uFFFD\uFFFDt\u00e9")] // each word decoded on its own, as Dovecot does
    [InlineData("=?ISO-8859-1?Q?a?=  =?ISO-8859-2?Q?_b?=", "a b")]
    [InlineData("=?KOI8-R?B?98HTyczJ?=", "Васили")]
    [InlineData("=?windows-1252?Q?=80uro?=", "€uro")]
    [InlineData("=?ISO-2022-JP?B?GyRCJUYlOSVIGyhC?=", "テスト")]
    [InlineData("=?utf-8?x?bad?= plain", "=?utf-8?x?bad?= plain")]
    [InlineData("=?unknown-charset?q?x?=", "=?unknown-charset?q?x?=")]
    [InlineData("no words here", "no words here")]
    public void Encoded_words_are_decoded_and_adjacent_ones_joined(string input, string expected) =>
        Assert.Equal(expected, EncodedWords.Decode(input));

    [Theory]
    [InlineData("=?utf-8?q?caf=C3=A9?=", "CAFÉ", true)]
    [InlineData("=?ISO-8859-1?Q?Andr=E9?= Pirard", "é p", true)]
    [InlineData("=?utf-8?B?w6TDtsO8?= =?utf-8?B?IQ==?=", "ü!", true)]
    [InlineData("=?utf-8?q?a?=\r\n =?utf-8?q?b?=", "ab", true)]
    [InlineData("=?utf-8?q?a?=\r\n =?utf-8?q?b?=", "a b", false)]
    [InlineData("=?utf-8?b?cGFkbGVzcw?=", "padless", true)]
    [InlineData("=?utf-8?x?bad?= plain", "?x?bad", true)]
    [InlineData("=?utf-8?q?caf=C3=A9?=", "=C3", false)]
    [InlineData("no words here", "WORDS", true)]
    public void Encoded_words_are_searched_as_decoded(string input, string needle, bool expected)
    {
        Assert.Equal(expected, EncodedWords.DecodedContains(input, needle));
        Assert.Equal(expected, EncodedWords.Decode(input).Contains(needle, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void An_escaped_octet_is_searched_as_latin1()
    {
        // A header that is not UTF-8 holds its 8-bit octets escaped (HeaderOctets); SEARCH reads them as Latin-1.
        Assert.True(EncodedWords.DecodedContains("J\uDCF6rg =?utf-8?q?x?=", "jörg x"));
        Assert.True(EncodedWords.DecodedContains("J\uDCF6rg", "JÖRG"));
        Assert.False(EncodedWords.DecodedContains("J\uDCF6rg", "J\uDCF6"));
    }

    [Fact]
    public void Searching_decoded_text_answers_as_the_decoded_string_does_for_random_values()
    {
        string[] fragments = ["=?", "?=", "?", "utf-8", "iso-8859-1", "utf-7", "koi8-r", "bogus", "*en", "q", "b", "Q", "B", "_", "=C3", "=A9", "=",
            "w6k=", "YWJj", "+AGE-", " ", "\t", "\r\n ", "a", "b c", "é", "\uDCE9", "日本", "😀"];
        string[] needles = ["a", "é", "b c", "?", "日本", "abc", "ca"];
        var random = new Random(24);
        for (var i = 0; i < 20_000; i++)
        {
            var value = string.Concat(Enumerable.Range(0, random.Next(1, 12)).Select(_ => fragments[random.Next(fragments.Length)]));
            var decoded = EncodedWords.Decode(value);
            foreach (var needle in needles)
            {
                Assert.True(decoded.Contains(needle, StringComparison.OrdinalIgnoreCase) == EncodedWords.DecodedContains(value, needle), $"{value} / {needle}");
            }
        }
    }

    [Fact]
    public void Rfc2231_parameters_are_joined_and_decoded()
    {
        var type = HeaderParameterParser.ParseContentType("application/x-stuff; title*0*=us-ascii'en'This%20is%20even%20more%20; title*1*=%2A%2A%2Afun%2A%2A%2A%20; title*2=\"isn't it!\"")!;
        Assert.Equal("This is even more ***fun*** isn't it!", type["title"]);
        Assert.Equal("title*", type.RawParameters[0].Name);
        var disposition = HeaderParameterParser.ParseContentDisposition("attachment; filename*=utf-8''%E2%82%AC%20rates.pdf; size=10")!;
        Assert.Equal("€ rates.pdf", disposition.FileName);
        Assert.Equal("10", disposition.Parameters.Single(p => p.Name == "size").Value);
        Assert.Equal("multipart", HeaderParameterParser.ParseContentType(" (comment) Multipart/Mixed ; boundary=\"a b\"")!.MediaType);
        Assert.Null(HeaderParameterParser.ParseContentType("nonsense"));
    }

    [Fact]
    public void Parameters_without_sections_stand_as_written_and_repeated_names_as_before()
    {
        // No RFC 2231 sections and no name twice: each parameter as written, encoded words decoded in Parameters only,
        // names lower-cased there; quoted values with and without quoted-pairs.
        var type = HeaderParameterParser.ParseContentType("Text/Plain; Charset=\"UTF-8\"; format=flowed; name=\"=?utf-8?q?caf=C3=A9?=\"; x=\"a\\\"b\"; y=\"\"")!;
        Assert.Equal(["charset=UTF-8", "format=flowed", "name=café", "x=a\"b", "y="], type.Parameters.Select(p => $"{p.Name}={p.Value}"));
        Assert.Equal(["Charset=UTF-8", "format=flowed", "name==?utf-8?q?caf=C3=A9?=", "x=a\"b", "y="], type.RawParameters.Select(p => $"{p.Name}={p.Value}"));
        Assert.Same(type.Parameters[1], type.RawParameters[1]);
        Assert.Equal("UTF-8", type["CHARSET"]);

        // A name given twice: the first value, both shown as written (RFC 2231 §3's broken set, as Dovecot shows it).
        var twice = HeaderParameterParser.ParseContentType("text/plain; a=1; B=2; A=3")!;
        Assert.Equal(["a=1", "b=2"], twice.Parameters.Select(p => $"{p.Name}={p.Value}"));
        Assert.Equal(["a=1", "A=3", "B=2"], twice.RawParameters.Select(p => $"{p.Name}={p.Value}"));
    }

    [Theory]
    [InlineData("Sun, 22 Nov 2026 03:00:00 +0000", "2026-11-22T03:00:00+00:00")]
    [InlineData("22 Nov 2026 03:00 -0500", "2026-11-22T03:00:00-05:00")]
    [InlineData("Mon, 1 Jan 24 10:00:00 EST", "2024-01-01T10:00:00-05:00")]
    [InlineData("Tue, 5 Mar 1996 08:07:06 GMT (comment)", "1996-03-05T08:07:06+00:00")]
    [InlineData("Friday, 13-Oct-95 12:00:00 PDT", "1995-10-13T12:00:00-07:00")]
    [InlineData("Mon, 04 Mar 50 10:00:00 +0000", "2050-03-04T10:00:00+00:00")] // Dovecot reads 50 as 2050 too
    [InlineData("Sun, 03 Mar 2024 10:00:00 +2500", "2024-03-03T10:00:00+00:00")] // an impossible zone is dropped, as Dovecot does
    public void Dates_come_from_mimekit_including_obsolete_forms(string text, string expected)
    {
        Assert.True(DateUtils.TryParse(text, out var d));
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), d);
    }

    [Theory]
    [InlineData("")]
    [InlineData("yesterday")]
    [InlineData("31 Feb 2026 10:00:00 +0000")]
    [InlineData("Fri, 01 Mar 124 10:00:00 +0000")] // not 2024: Dovecot refuses a three-digit year too
    public void Bad_dates_are_refused(string text) => Assert.False(DateUtils.TryParse(text, out _));

    /// <summary>
    /// Why SEARCH and BINARY keep their own decoders (issue 17): where MimeKit answers differently from Dovecot
    /// (DovecotDecodingComparisonTests shows Dovecot's side). If one of these starts to fail, MimeKit changed: switch.
    /// </summary>
    [Fact]
    public void MimeKit_differs_from_dovecot_here()
    {
        // Unpadded base64 in an encoded word: MimeKit drops the last octet, Dovecot (and we) keep it.
        Assert.Equal("padles", Rfc2047.DecodeText("=?utf-8?b?cGFkbGVzcw?="u8.ToArray()));
        Assert.Equal("padless", EncodedWords.Decode("=?utf-8?b?cGFkbGVzcw?="));

        // A UTF-8 character split over two words: MimeKit joins the octets, Dovecot decodes word by word.
        Assert.Equal("\u00e9t\u00e9", Rfc2047.DecodeText("=?utf-8?q?=C3?= =?utf-8?q?=A9t=C3=A9?="u8.ToArray()));
        Assert.Equal("\uFFFD\uFFFDt\u00e9", EncodedWords.Decode("=?utf-8?q?=C3?= =?utf-8?q?=A9t=C3=A9?="));

        // Base64 bodies: unpadded ones lose their tail in MimeKit, and MimeKit reads on after a "=" pad (RFC 2045 §6.8).
        Assert.Equal("unpadbody", Encoding.ASCII.GetString(MimeKitDecode(new Base64Decoder(), "dW5wYWRib2R5IQ")));
        Assert.True(TransferDecoding.TryDecodeBase64("dW5wYWRib2R5IQ"u8, out var unpadded));
        Assert.Equal("unpadbody!", Encoding.ASCII.GetString(unpadded));
        Assert.Equal("firstsecond", Encoding.ASCII.GetString(MimeKitDecode(new Base64Decoder(), "Zmlyc3Q=\r\nc2Vjb25k")));
        Assert.True(TransferDecoding.TryDecodeBase64("Zmlyc3Q=\r\nc2Vjb25k"u8, out var padded));
        Assert.Equal("first", Encoding.ASCII.GetString(padded));

        // Quoted-printable: MimeKit keeps white space at the end of an encoded line, RFC 2045 §6.7 (3) and Dovecot drop it.
        Assert.Equal("trail  \r\nnext", Encoding.ASCII.GetString(MimeKitDecode(new QuotedPrintableDecoder(), "trail  \r\nnext")));
        Assert.Equal("trail\r\nnext", Encoding.ASCII.GetString(TransferDecoding.DecodeQuotedPrintable("trail  \r\nnext"u8)));
    }

    [Fact]
    public void Transfer_decodings_tolerate_damage()
    {
        Assert.True(TransferDecoding.TryDecodeBase64("SGVs\r\nbG8g!!d29y bGQ="u8, out var b64));
        Assert.Equal("Hello world", Encoding.ASCII.GetString(b64));
        Assert.Equal("caf\u00e9 soft break=zz", Encoding.Latin1.GetString(TransferDecoding.DecodeQuotedPrintable("caf=E9 soft =\r\nbreak=zz"u8)));
        Assert.Equal("a_b c", Encoding.ASCII.GetString(TransferDecoding.DecodeQuotedPrintable("a=5Fb c"u8, header: true)));
        Assert.Equal("Grüße", TransferDecoding.ToText(Encoding.Latin1.GetBytes("Grüße"), "iso-8859-1"));
        Assert.Equal("Grüße", TransferDecoding.ToText(Encoding.UTF8.GetBytes("Grüße"), null));
    }

    [Theory]
    [InlineData("hello  \r\nbar", "hello\r\nbar")] // RFC 2045 §6.7 (3): trailing white space is deleted
    [InlineData("a=20\r\nb", "a \r\nb")] // encoded white space is data
    [InlineData("a\t = \t\r\nb", "a\t b")] // soft break after white space: the white space before "=" stays
    [InlineData("end  ", "end")]
    [InlineData("x=", "x")] // a soft break at the very end (its CRLF went to the boundary)
    [InlineData("bad =ZZ escape", "bad =ZZ escape")]
    public void Quoted_printable_follows_rfc2045_rule_3(string encoded, string decoded) =>
        Assert.Equal(decoded, Encoding.ASCII.GetString(TransferDecoding.DecodeQuotedPrintable(Encoding.ASCII.GetBytes(encoded))));

    [Fact]
    public void Header_octets_that_are_not_utf8_are_kept_for_the_wire_and_read_as_latin1_for_search()
    {
        var latin1 = Encoding.Latin1.GetBytes("J\u00f6rg");
        var text = HeaderOctets.Decode(latin1);
        Assert.True(HeaderOctets.HasEscapes(text));
        Assert.Equal(latin1, HeaderOctets.Encode(text));
        Assert.Equal(4, HeaderOctets.Count(text));
        Assert.Equal("J\u00f6rg", HeaderOctets.Unescape(text));
        Assert.Equal("J\u00f6rg", HeaderOctets.Decode(Encoding.UTF8.GetBytes("J\u00f6rg")));
        Assert.Equal("a b c", HumanText.Tidy("  a \t b\r\n c  "));
    }

    [Theory]
    [InlineData("\U0001F480 skull")] // U+1F480 is D83D DC80: its low surrogate lies in the escape range
    [InlineData("caf\u00e9 \U000100FF end")] // D800 DCFF
    [InlineData("\U0001F600")]
    public void Utf8_header_text_whose_low_surrogates_fall_in_the_escape_range_is_not_taken_for_escaped_octets(string header)
    {
        var utf8 = Encoding.UTF8.GetBytes(header);
        var text = HeaderOctets.Decode(utf8);
        Assert.Equal(header, text);
        Assert.False(HeaderOctets.HasEscapes(text));
        Assert.Equal(utf8, HeaderOctets.Encode(text));
        Assert.Equal(utf8.Length, HeaderOctets.Count(text));
        Assert.Equal(header, HeaderOctets.Unescape(text));
        Assert.Equal(header, EncodedWords.Decode(text));
    }

    [Fact]
    public void Escaped_octets_next_to_non_bmp_text_keep_both()
    {
        // A header that is not UTF-8 as a whole is kept octet for octet, so no surrogate pair can appear beside escapes
        // from Decode; a string built from both (the writer joins fields into one line) must still keep each as it is.
        var text = "\U0001F480" + HeaderOctets.Decode([0x4A, 0xF6]);
        Assert.True(HeaderOctets.HasEscapes(text));
        Assert.Equal([.. Encoding.UTF8.GetBytes("\U0001F480"), 0x4A, 0xF6], HeaderOctets.Encode(text));
        Assert.Equal("\U0001F480J\u00f6", HeaderOctets.Unescape(text));
    }

    [Fact]
    public void Offsets_and_sections_of_a_known_message()
    {
        var text = "Subject: s\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\npre\r\n--B\r\nContent-Type: text/plain\r\n\r\none\r\ntwo\r\n--B\r\nContent-Type: message/rfc822\r\n\r\nSubject: inner\r\n\r\ninner body\r\n--B--\r\nepilogue\r\n";
        var bytes = Encoding.ASCII.GetBytes(text);
        var root = StructureParser.Parse(bytes);
        string Body(StructurePart e) => text[(int)e.BodyOffset..(int)e.EndOffset];
        string Header(StructurePart e) => text[(int)e.HeaderOffset..(int)e.BodyOffset];
        Assert.Equal("pre\r\n--B\r\nContent-Type: text/plain\r\n\r\none\r\ntwo\r\n--B\r\nContent-Type: message/rfc822\r\n\r\nSubject: inner\r\n\r\ninner body\r\n--B--\r\nepilogue\r\n", Body(root));
        var part1 = root.FindPart([1])!;
        Assert.Equal("Content-Type: text/plain\r\n\r\n", Header(part1));
        Assert.Equal("one\r\ntwo", Body(part1));
        Assert.Equal(1, part1.BodyLines);
        var part2 = root.FindPart([2])!;
        Assert.Equal("Subject: inner\r\n\r\ninner body", Body(part2));
        Assert.Equal("inner body", Body(root.FindPart([2, 1])!));
        Assert.Equal("inner", part2.Message!.GetHeader("subject"));
        Assert.Null(root.FindPart([3]));
        Assert.Equal(4, root.Descendants().Count());
    }

    [Fact]
    public void Tolerates_deep_nesting_nul_bytes_long_lines_and_huge_headers()
    {
        var deep = StructureParser.Parse(Encoding.ASCII.GetBytes(StructureCorpus.Nested(1000)));
        Assert.True(deep.Descendants().Count() <= StructureLimits.Default.MaxDepth + 1);

        var limited = StructureParser.Parse(Encoding.ASCII.GetBytes("Subject: x\r\nX-Big: " + new string('a', 400_000) + "\r\nFrom: late@x.test\r\n\r\nbody"), new StructureLimits { MaxHeaderBytes = 1000 });
        Assert.True(limited.HeaderTruncated);
        Assert.Equal("x", limited.GetHeader("Subject"));
        Assert.Equal("body", Encoding.ASCII.GetString(Encoding.ASCII.GetBytes("Subject: x\r\nX-Big: " + new string('a', 400_000) + "\r\nFrom: late@x.test\r\n\r\nbody").AsSpan((int)limited.BodyOffset)));

        var empty = StructureParser.Parse([]);
        Assert.Equal(0, empty.EndOffset);
        Assert.Empty(empty.Headers);
        Assert.Equal("text", empty.ContentType.MediaType);
    }

    private static byte[] MimeKitDecode(IMimeDecoder decoder, string text)
    {
        var input = Encoding.ASCII.GetBytes(text);
        var output = new byte[decoder.EstimateOutputLength(input.Length)];
        return output[..decoder.Decode(input, 0, input.Length, output)];
    }
}
