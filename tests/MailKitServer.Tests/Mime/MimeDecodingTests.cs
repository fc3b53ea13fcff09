using System.Text;
using MailKitServer.Mime;

namespace MailKitServer.Tests.Mime;

public class MimeDecodingTests
{
    [Theory]
    [InlineData("=?utf-8?q?caf=C3=A9?=", "café")]
    [InlineData("=?ISO-8859-1?Q?Andr=E9?= Pirard", "André Pirard")]
    [InlineData("=?utf-8?B?w6TDtsO8?= =?utf-8?B?IQ==?=", "äöü!")]
    [InlineData("(=?ISO-8859-1?Q?a?= b)", "(=?ISO-8859-1?Q?a?= b)")] // RFC 2047 §5: not delimited by white space in unstructured text
    [InlineData("=?ISO-8859-1?Q?a?=  =?ISO-8859-2?Q?_b?=", "a b")]
    [InlineData("=?KOI8-R?B?98HTyczJ?=", "Васили")]
    [InlineData("=?windows-1252?Q?=80uro?=", "€uro")]
    [InlineData("=?ISO-2022-JP?B?GyRCJUYlOSVIGyhC?=", "テスト")]
    [InlineData("=?utf-8?x?bad?= plain", "=?utf-8?x?bad?= plain")]
    [InlineData("=?unknown-charset?q?x?=", "=?unknown-charset?q?x?=")]
    [InlineData("no words here", "no words here")]
    public void Encoded_words_are_decoded_and_adjacent_ones_joined(string input, string expected) =>
        Assert.Equal(expected, EncodedWords.Decode(input));

    [Fact]
    public void Encoding_round_trips_through_decoding()
    {
        var text = "Grüße aus Köln — a rather long subject line that needs more than one encoded word ✉";
        var encoded = EncodedWords.Encode(text);
        Assert.True(Ascii.IsValid(encoded));
        Assert.All(encoded.Split("\r\n "), w => Assert.True(w.Length <= 75, w));
        Assert.Equal(text, EncodedWords.Decode(encoded.Replace("\r\n", string.Empty, StringComparison.Ordinal)));
        Assert.Equal("plain ascii", EncodedWords.Encode("plain ascii"));
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

    [Theory]
    [InlineData("Sun, 22 Nov 2026 03:00:00 +0000", "2026-11-22T03:00:00+00:00")]
    [InlineData("22 Nov 2026 03:00 -0500", "2026-11-22T03:00:00-05:00")]
    [InlineData("Mon, 1 Jan 24 10:00:00 EST", "2024-01-01T10:00:00-05:00")]
    [InlineData("Tue, 5 Mar 1996 08:07:06 GMT (comment)", "1996-03-05T08:07:06+00:00")]
    [InlineData("Friday, 13-Oct-95 12:00:00 PDT", "1995-10-13T12:00:00-07:00")]
    public void Dates_including_obsolete_forms(string text, string expected)
    {
        Assert.True(DateParser.TryParse(text, out var d));
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), d);
    }

    [Theory]
    [InlineData("")]
    [InlineData("yesterday")]
    [InlineData("31 Feb 2026 10:00:00 +0000")]
    public void Bad_dates_are_refused(string text) => Assert.False(DateParser.TryParse(text, out _));

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

    [Fact]
    public void Offsets_and_sections_of_a_known_message()
    {
        var text = "Subject: s\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\npre\r\n--B\r\nContent-Type: text/plain\r\n\r\none\r\ntwo\r\n--B\r\nContent-Type: message/rfc822\r\n\r\nSubject: inner\r\n\r\ninner body\r\n--B--\r\nepilogue\r\n";
        var bytes = Encoding.ASCII.GetBytes(text);
        var root = MimeParser.Parse(bytes);
        string Body(MimeEntity e) => text[(int)e.BodyOffset..(int)e.EndOffset];
        string Header(MimeEntity e) => text[(int)e.HeaderOffset..(int)e.BodyOffset];
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
        var deep = MimeParser.Parse(Encoding.ASCII.GetBytes(MimeCorpus.Nested(1000)));
        Assert.True(deep.Descendants().Count() <= MimeParserOptions.Default.MaxDepth + 1);

        var limited = MimeParser.Parse(Encoding.ASCII.GetBytes("Subject: x\r\nX-Big: " + new string('a', 400_000) + "\r\nFrom: late@x.test\r\n\r\nbody"), new MimeParserOptions { MaxHeaderBytes = 1000 });
        Assert.True(limited.HeaderTruncated);
        Assert.Equal("x", limited.GetHeader("Subject"));
        Assert.Equal("body", Encoding.ASCII.GetString(Encoding.ASCII.GetBytes("Subject: x\r\nX-Big: " + new string('a', 400_000) + "\r\nFrom: late@x.test\r\n\r\nbody").AsSpan((int)limited.BodyOffset)));

        var empty = MimeParser.Parse([]);
        Assert.Equal(0, empty.EndOffset);
        Assert.Empty(empty.Headers);
        Assert.Equal("text", empty.ContentType.MediaType);
    }

    [Fact]
    public void Composed_delivery_status_notification_parses_back()
    {
        var original = "From: sender@example.test\r\nSubject: lost\r\n\r\nhello\r\n"u8.ToArray();
        var report = new MultipartBuilder("report", ("report-type", "delivery-status"));
        report.Parts.Add(new TextPartBuilder("Your message could not be delivered to nobody@remote.test.\nThe server said: 550 5.1.1 No such user."));
        report.Parts.Add(new TextPartBuilder("Reporting-MTA: dns; mx.example.test\n\nFinal-Recipient: rfc822; nobody@remote.test\nAction: failed\nStatus: 5.1.1\n", "message/delivery-status"));
        report.Parts.Add(new MessagePartBuilder(original));
        var message = new MimeMessageBuilder { Body = report }
            .Header("From", "Mail Delivery System <MAILER-DAEMON@mx.example.test>")
            .Header("To", "sender@example.test")
            .Header("Subject", "Undelivered Mail Returned to Sender — Zustellung fehlgeschlagen")
            .ToArray(new DateTimeOffset(2026, 11, 22, 3, 0, 0, TimeSpan.Zero));
        Assert.DoesNotContain((byte)'\n', message.Where((b, i) => b == '\n' && (i == 0 || message[i - 1] != '\r')));

        var root = MimeParser.Parse(message);
        Assert.Equal("report", root.ContentType.SubType);
        Assert.Equal("delivery-status", root.ContentType["report-type"]);
        Assert.Equal("Undelivered Mail Returned to Sender — Zustellung fehlgeschlagen", EncodedWords.Decode(root.GetHeader("Subject")!));
        Assert.Equal("Sun, 22 Nov 2026 03:00:00 +0000", root.GetHeader("Date"));
        Assert.Equal(3, root.Children.Count);
        Assert.Equal("message/delivery-status", $"{root.Children[1].ContentType.MediaType}/{root.Children[1].ContentType.SubType}");
        Assert.Equal("lost", root.Children[2].Message!.GetHeader("Subject"));
        var status = Encoding.ASCII.GetString(message.AsSpan((int)root.Children[1].BodyOffset, (int)root.Children[1].BodySize));
        Assert.Contains("Status: 5.1.1", status, StringComparison.Ordinal);
    }

    [Fact]
    public void Quoted_printable_composition_round_trips()
    {
        var text = "Ünïcödé line that is long enough to need a soft line break somewhere around here, yes indeed ✓\nsecond line ends with space \n";
        var message = new MimeMessageBuilder { Body = new TextPartBuilder(text) }.Header("Subject", "qp").ToArray();
        var root = MimeParser.Parse(message);
        Assert.Equal("quoted-printable", root.TransferEncoding);
        var body = TransferDecoding.Decode(message.AsSpan((int)root.BodyOffset, (int)root.BodySize), root.TransferEncoding);
        Assert.Equal(text.Replace("\n", "\r\n", StringComparison.Ordinal), TransferDecoding.ToText(body, root.ContentType["charset"]));
        Assert.All(Encoding.ASCII.GetString(message).Split("\r\n"), l => Assert.True(l.Length <= 78, l));
    }
}
