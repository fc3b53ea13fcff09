using System.Text;
using MailKitServer.Imap.Structure;
using Xunit;

namespace MailKitServer.Imap.Tests.Structure;

/// <summary>
/// SEARCH TEXT looks for its string in the header field by field (<see cref="SearchText.HeadersContain"/>) instead of in
/// the header's whole decoded text (<see cref="SearchText.Headers"/>): the answer must be the same for every header and
/// every string, those that span a field's name and value (<c>"t: o"</c>), start with a space, hold a line break or are
/// empty included.
/// </summary>
public sealed class HeadersContainTests
{
    [Theory]
    [InlineData("Subject: omega\r\n", "omega", true)]
    [InlineData("Subject: omega\r\n", "SUBJ", true)]
    [InlineData("Subject: omega\r\n", "t: o", true)]
    [InlineData("Subject: omega\r\n", " omega", true)]
    [InlineData("Subject: omega\r\nTo: x\r\n", "omega\nTo", true)]
    [InlineData("Subject: =?utf-8?q?=C3=A9t=C3=A9?=\r\n", "ÉTÉ", true)]
    [InlineData("Subject: omega\r\n", "omegax", false)]
    [InlineData("Subject: omega\r\n", "", true)]
    [InlineData("", "", true)]
    public void Answers_as_the_whole_header_text_does(string header, string text, bool expected)
    {
        var entity = StructurePart.HeaderOnly(HeaderParser.Parse(Encoding.UTF8.GetBytes(header)));
        Assert.Equal(expected, SearchText.Headers(entity).Contains(text, StringComparison.OrdinalIgnoreCase));
        Assert.Equal(expected, SearchText.HeadersContain(entity, text));
    }

    [Fact]
    public void Random_headers_and_strings_give_the_same_answers()
    {
        var random = new Random(2026_12_01);
        string[] pieces = ["Subject", "To", "X-Mailer", ": ", ":", " ", "\r\n", "\r\n ", "omega", "Omega", "t", "a b",
            "=?utf-8?q?=C3=A9t=C3=A9?=", "=?iso-8859-1?q?caf=E9?=", "é", "x"];
        string[] texts = ["omega", "OMEGA", "t: o", ": ", " omega", "été", "café", "a b", "x", " ", "", "\n", "to", "subject: om", "ega\nTo"];
        for (var run = 0; run < 20_000; run++)
        {
            var sb = new StringBuilder();
            for (var n = random.Next(0, 25); n > 0; n--)
            {
                sb.Append(pieces[random.Next(pieces.Length)]);
            }

            var entity = StructurePart.HeaderOnly(HeaderParser.Parse(Encoding.UTF8.GetBytes(sb.ToString())));
            var text = texts[random.Next(texts.Length)];
            Assert.True(
                SearchText.Headers(entity).Contains(text, StringComparison.OrdinalIgnoreCase) == SearchText.HeadersContain(entity, text),
                $"header {sb.ToString().ReplaceLineEndings("|")}, text '{text}'");
        }
    }
}
