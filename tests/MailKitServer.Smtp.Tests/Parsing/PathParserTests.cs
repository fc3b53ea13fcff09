using System.Text;
using MailKitServer.Smtp.Parsing;

namespace MailKitServer.Smtp.Tests.Parsing;

public class PathParserTests
{
    private static (string Address, string Parameters)? Parse(string argument, string keyword = "FROM:")
    {
        var bytes = Encoding.UTF8.GetBytes(argument);
        return PathParser.TryParse(bytes, Encoding.ASCII.GetBytes(keyword), out var p)
            ? (Encoding.UTF8.GetString(bytes.AsSpan()[p.Address]), Encoding.UTF8.GetString(bytes.AsSpan()[p.Parameters]))
            : null;
    }

    [Theory]
    [InlineData("FROM:<a@b.test>", "a@b.test", "")]
    [InlineData("from:<a@b.test> SIZE=100 BODY=8BITMIME", "a@b.test", "SIZE=100 BODY=8BITMIME")]
    [InlineData("FROM: <a@b.test>", "a@b.test", "")]
    [InlineData("FROM:<>", "", "")]
    [InlineData("FROM:<> RET=HDRS", "", "RET=HDRS")]
    [InlineData("FROM:<\"a>b\"@c.test>", "\"a>b\"@c.test", "")]
    [InlineData("FROM:<\"a\\\"b\"@c.test>", "\"a\\\"b\"@c.test", "")]
    [InlineData("FROM:<@relay1.test,@relay2.test:user@d.test>", "user@d.test", "")]
    [InlineData("FROM:<josé@exämple.test> SMTPUTF8", "josé@exämple.test", "SMTPUTF8")]
    public void Valid_paths(string argument, string address, string parameters) => Assert.Equal((address, parameters), Parse(argument));

    [Theory]
    [InlineData("FROM:a@b.test")]
    [InlineData("FROM:<a@b.test")]
    [InlineData("TO:<a@b.test>")]
    [InlineData("FROM:<a@b.test>SIZE=1")]
    [InlineData("FROM:<a\u0001@b.test>")]
    [InlineData("FROM:<@relay.test>")]
    [InlineData("")]
    public void Invalid_paths(string argument) => Assert.Null(Parse(argument));

    [Fact]
    public void Path_parses_the_same_from_any_prefix_length()
    {
        // The parser works on whole lines, so "split" here means every truncation must fail cleanly, never throw.
        var full = "TO:<\"quoted > \\\" part\"@example.test> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;a+40b.test";
        for (var i = 0; i < full.Length; i++)
        {
            _ = Parse(full[..i], "TO:");
        }

        Assert.Equal(("\"quoted > \\\" part\"@example.test", "NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;a+40b.test"), Parse(full, "TO:"));
    }

    [Fact]
    public void Parameters_are_read_one_by_one_with_syntax_checks()
    {
        var text = "SIZE=10  BODY=8BITMIME SMTPUTF8 BAD=x=y _X=1"u8.ToArray();
        var reader = new EsmtpParameterReader(text);
        var found = new List<(string, string, bool, bool)>();
        while (reader.TryRead(out var p, out var valid))
        {
            found.Add((Encoding.ASCII.GetString(text.AsSpan()[p.Keyword]), Encoding.ASCII.GetString(text.AsSpan()[p.Value]), p.HasValue, valid));
        }

        Assert.Equal(
            [("SIZE", "10", true, true), ("BODY", "8BITMIME", true, true), ("SMTPUTF8", "", false, true), ("BAD", "x=y", true, false), ("_X", "1", true, false)],
            found);
    }

    [Theory]
    [InlineData("a+2Bb+3Dc", "a+b=c")]
    [InlineData("rfc822;user+40example.test", "rfc822;user@example.test")]
    [InlineData("plain", "plain")]
    public void Xtext_decodes(string text, string expected)
    {
        Assert.True(XText.TryDecode(Encoding.ASCII.GetBytes(text), out var decoded));
        Assert.Equal(expected, decoded);
        Assert.True(XText.TryDecode(Encoding.ASCII.GetBytes(XText.Encode(expected)), out var again));
        Assert.Equal(expected, again);
    }

    [Theory]
    [InlineData("a+2")]
    [InlineData("a+zz")]
    [InlineData("a=b")]
    [InlineData("a b")]
    public void Bad_xtext_is_refused(string text) => Assert.False(XText.TryDecode(Encoding.ASCII.GetBytes(text), out _));
}
