using System.Text;
using MailKitServer.Hostile.Tests.Support;
using MailKitServer.TestSupport;

namespace MailKitServer.Hostile.Tests.LongLines;

/// <summary>
/// Issue 15 item 3: a command line over the limit is drained to the end of the command (literals announced on it
/// included) and answered with its tag; the client is never left waiting and the session stays in sync.
/// </summary>
public sealed class ImapLongLineTests
{
    // 108 KB: over the 64 KB default line limit, as in the report.
    private static readonly string LongSet = string.Join(',', Enumerable.Range(1, 20_000).Select(i => (i * 3).ToString(System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public async Task A_108_KB_UID_STORE_line_gets_a_tagged_BAD_and_the_session_goes_on()
    {
        await using var server = await TestMailServer.StartAsync();
        await server.AppendAsync("alice@example.test", "Subject: one\r\n\r\nbody\r\n");
        await using var client = await LineClient.ConnectAsync(server.Imap);
        await client.LoginAsync();
        Assert.StartsWith("s OK", await client.ImapAsync("s", "SELECT INBOX"), StringComparison.Ordinal);

        var command = $"big UID STORE {LongSet} +FLAGS (\\Seen)";
        Assert.True(command.Length > 108_000, "the line is over 108 KB");
        Assert.Equal("big BAD Command line too long", await client.ImapAsync("big", command.Split(' ', 2)[1]));
        Assert.Equal("ex BAD Command line too long", await client.ImapAsync("ex", $"UID EXPUNGE {LongSet}"));
        Assert.StartsWith("n OK", await client.ImapAsync("n", "NOOP"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_long_line_announcing_a_synchronizing_literal_is_refused_without_a_continuation()
    {
        await using var server = await TestMailServer.StartAsync();
        await using var client = await LineClient.ConnectAsync(server.Imap);
        await client.LoginAsync();

        // The client waits for "+" before it sends the literal; it gets the tagged BAD instead (RFC 3501 §7.5).
        await client.SendAsync($"a SEARCH TEXT {new string('x', 70_000)} TEXT {{12}}\r\n");
        Assert.Equal(["a BAD Command line too long"], await client.ReadTaggedAsync("a"));
        Assert.StartsWith("n OK", await client.ImapAsync("n", "NOOP"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_long_line_with_non_synchronizing_literals_is_drained_to_the_end_of_the_command()
    {
        await using var server = await TestMailServer.StartAsync();
        await using var client = await LineClient.ConnectAsync(server.Imap);
        await client.LoginAsync();

        // The literal's octets follow at once (RFC 7888); they and the lines after them belong to the refused
        // command and must not be read as commands (the literal and the second line look like commands on purpose).
        await client.SendAsync($"a SEARCH TEXT {new string('x', 70_000)} TEXT {{20+}}\r\nb LOGOUT\r\nc LOGOUT\r\n {new string('y', 70_000)} {{10+}}\r\nd LOGOUT\r\n SEEN\r\n");
        Assert.Equal(["a BAD Command line too long"], await client.ReadTaggedAsync("a"));
        Assert.StartsWith("n OK", await client.ImapAsync("n", "NOOP"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_long_line_before_login_is_answered_with_its_tag()
    {
        await using var server = await TestMailServer.StartAsync();
        await using var client = await LineClient.ConnectAsync(server.Imap);
        Assert.StartsWith("* OK", await client.ReadLineAsync(), StringComparison.Ordinal);
        Assert.Equal("x1 BAD Command line too long", await client.ImapAsync("x1", "LOGIN " + new string('u', 70_000) + " pw"));
        Assert.StartsWith("L OK", await client.ImapAsync("L", "LOGIN alice@example.test alice-pw"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_non_synchronizing_literal_too_large_to_skip_ends_the_session_with_BYE()
    {
        await using var server = await TestMailServer.StartAsync();
        await using var client = await LineClient.ConnectAsync(server.Imap);
        await client.LoginAsync();
        await client.SendAsync($"a SEARCH TEXT {new string('x', 70_000)} TEXT {{999999999+}}\r\n");
        Assert.Equal("* BYE [TOOBIG] Literal too large", await client.ReadLineAsync());
        Assert.True(await client.IsClosedAsync());
    }

    [Fact]
    public async Task The_literal_at_the_end_of_a_long_line_is_found_wherever_the_packets_split_it()
    {
        await using var server = await TestMailServer.StartAsync(imap: o => o.MaxBadCommands = 1000);
        await using var client = await LineClient.ConnectAsync(server.Imap);
        await client.LoginAsync();
        const string literal = "b OK ";
        var body = $" SEARCH TEXT {new string('x', 70_000)} TEXT {{5+}}\r\n{literal}\r\n";
        var literalStart = body.Length - literal.Length - 2;

        // Every cut in the last 40 octets of the line and in what follows: inside "{5+}", between CR and LF, inside
        // the literal, before the empty line that ends the command.
        for (var cut = literalStart - 40; cut < body.Length; cut++)
        {
            var tag = $"t{cut}";
            await client.SendAsync(Encoding.ASCII.GetBytes(tag + body[..cut]));
            await client.SendAsync(Encoding.ASCII.GetBytes(body[cut..]));
            Assert.Equal([$"{tag} BAD Command line too long"], await client.ReadTaggedAsync(tag));
        }

        Assert.StartsWith("n OK", await client.ImapAsync("n", "NOOP"), StringComparison.Ordinal);
    }
}
