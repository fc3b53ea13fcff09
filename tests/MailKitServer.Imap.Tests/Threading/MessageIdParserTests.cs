using MailKitServer.Imap.Threading;

namespace MailKitServer.Imap.Tests.Threading;

public class MessageIdParserTests
{
    [Theory]
    [InlineData("<abc@example.test>", "abc@example.test")]
    [InlineData("  <abc@example.test>  (comment)", "abc@example.test")]
    [InlineData("<\"01KF8JCEOCBS0045PS\"@xxx.yyy.com>", "01KF8JCEOCBS0045PS@xxx.yyy.com")]   // RFC 5256 §3's example
    [InlineData("<\"a\\\"b c\"@x>", "a\"b c@x")]                                            // escapes removed
    [InlineData("<a (comment (nested)) . b @ [1.2.3.4]>", "a.b@[1.2.3.4]")]                // obsolete forms: CFWS, literal
    [InlineData("junk <not an id> <ok@x>", "ok@x")]
    [InlineData("Your message of Monday <ok@x> and <later@x>", "ok@x")]
    [InlineData("<a@b@c> <ok@x>", "ok@x")]
    [InlineData("<@x> <x@> <> <ok@x>", "ok@x")]
    [InlineData("no ids", null)]
    [InlineData("<unterminated@x", null)]
    [InlineData("", null)]
    public void Finds_the_first_valid_id(string value, string? id)
    {
        Assert.Equal(id, MessageIdParser.First(value));
    }

    [Fact]
    public void Finds_every_id_in_order_and_stops_at_the_limit()
    {
        Assert.Equal(["a@x", "b@x", "c@x"], MessageIdParser.All("<a@x> <b@x>\r\n\t<c@x>"));
        var many = string.Join(' ', Enumerable.Range(0, MessageIdParser.MaxIds + 50).Select(i => $"<{i}@x>"));
        var ids = MessageIdParser.All(many);
        Assert.Equal(MessageIdParser.MaxIds, ids.Count);
        Assert.Equal("0@x", ids[0]);
    }

    [Fact]
    public void Deeply_nested_comments_are_counted_not_recursed()
    {
        var value = "<a" + new string('(', 100_000) + new string(')', 100_000) + "@x>";
        Assert.Equal("a@x", MessageIdParser.First(value));
    }
}
