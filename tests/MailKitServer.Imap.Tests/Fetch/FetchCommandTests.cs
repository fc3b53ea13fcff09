using MailKitServer.TestSupport;
using static MailKitServer.Imap.Tests.Session.ImapTestClient;

namespace MailKitServer.Imap.Tests.Fetch;

/// <summary>FETCH over the wire: refusals come before any response; sections and partials; duplicates answered once.</summary>
public sealed class FetchCommandTests
{
    [Theory]
    [InlineData("BINARY[1]<99999999999999999999.1>")]
    [InlineData("BODY[]<0.99999999999999999999>")]
    [InlineData("BINARY[99999999999]")]
    [InlineData("(FLAGS BODY[1.])")]
    [InlineData("(UID BODY[HEADER.FIELDS (A:B)])")]
    public async Task An_invalid_item_is_refused_with_bad_before_any_response(string items)
    {
        await using var server = await TestMailServer.StartAsync();
        await server.AppendAsync("alice@example.test", "Subject: a\r\n\r\nbody\r\n");
        await using var client = await LoginAsync(server);
        await TaggedAsync(client, "s SELECT INBOX");
        var untagged = new List<string>();
        Assert.StartsWith("f BAD ", await TaggedAsync(client, $"f FETCH 1 {items}", untagged), StringComparison.Ordinal);
        Assert.Empty(untagged);
        Assert.Equal("n OK NOOP completed", await client.CommandAsync("n NOOP"));
    }

    [Fact]
    public async Task A_partial_of_any_valid_size_is_answered_within_the_data()
    {
        await using var server = await TestMailServer.StartAsync();
        await server.AppendAsync("alice@example.test", "Subject: a\r\nContent-Transfer-Encoding: base64\r\n\r\nAAECAw==\r\n");
        await using var client = await LoginAsync(server);
        await TaggedAsync(client, "s SELECT INBOX");
        await client.SendAsync("f FETCH 1 (BINARY.PEEK[1]<1.9223372036854775807> BODY.PEEK[]<9223372036854775806.1>)\r\n");
        Assert.Equal("* 1 FETCH (BINARY[1]<1> {3}", await client.ReadLineAsync());
        Assert.Equal("\u0001\u0002\u0003 BODY[]<9223372036854775806> {0}", await client.ReadLineAsync());
        Assert.Equal(")", await client.ReadLineAsync());
        Assert.Equal("f OK FETCH completed", await client.ReadLineAsync());
    }

    [Fact]
    public async Task The_same_item_twice_is_answered_once_and_uid_fetch_always_gives_the_uid()
    {
        await using var server = await TestMailServer.StartAsync();
        await server.AppendAsync("alice@example.test", "Subject: a\r\n\r\nbody\r\n");
        await using var client = await LoginAsync(server);
        await TaggedAsync(client, "s SELECT INBOX");
        var untagged = new List<string>();
        await TaggedAsync(client, "f UID FETCH 1 (FLAGS UID FLAGS RFC822.SIZE)", untagged);
        Assert.Equal(["* 1 FETCH (UID 1 FLAGS (\\Recent) RFC822.SIZE 20)"], untagged);
    }
}
