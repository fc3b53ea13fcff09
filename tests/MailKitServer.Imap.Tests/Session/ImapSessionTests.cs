using System.Diagnostics;
using System.Text;
using MailKitServer.TestSupport;
using static MailKitServer.Imap.Tests.Session.ImapTestClient;

namespace MailKitServer.Imap.Tests.Session;

public class ImapSessionTests
{
    /// <summary>Appends messages "n0", "n1", ... to alice's INBOX.</summary>
    private static async Task SeedAsync(TestMailServer server, int count)
    {
        for (var i = 0; i < count; i++)
        {
            await server.AppendAsync("alice@example.test", $"Subject: n{i}\r\n\r\nbody\r\n");
        }
    }

    [Fact]
    public async Task Three_bad_commands_before_login_close_the_connection()
    {
        await using var server = await TestMailServer.StartAsync();
        await using var client = await LineClient.ConnectAsync(server.Imap);
        await client.ReadLineAsync();
        Assert.Equal("a BAD Unknown command", await client.CommandAsync("a GET / HTTP/1.1"));
        Assert.Equal("b BAD Command not valid in this state", await client.CommandAsync("b SELECT INBOX"));
        await client.SendAsync("c FOO\r\n");
        Assert.Equal("c BAD Unknown command", await client.ReadLineAsync());
        Assert.Equal("* BYE Too many invalid commands", await client.ReadLineAsync());
        Assert.True(await client.IsClosedAsync());
    }

    [Fact]
    public async Task A_huge_literal_is_refused_before_its_octets_are_read()
    {
        await using var server = await TestMailServer.StartAsync();
        await using var client = await LoginAsync(server);
        Assert.Equal("b NO [TOOBIG] Message too large", await client.CommandAsync("b APPEND INBOX {999999999}"));
        Assert.Equal("c BAD Literal too large", await client.CommandAsync("c LOGIN {999999}"));
        Assert.StartsWith("d OK", await client.CommandAsync("d NOOP"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Literals_work_split_at_every_byte_boundary()
    {
        await using var server = await TestMailServer.StartAsync();
        var command = "a LOGIN {18+}\r\nalice@example.test {8}\r\nalice-pw\r\n";
        var bytes = Encoding.ASCII.GetBytes(command);
        for (var cut = 1; cut < bytes.Length; cut += 3)
        {
            await using var client = await LineClient.ConnectAsync(server.Imap);
            await client.ReadLineAsync();
            await client.SendAsync(bytes[..cut]);
            await Task.Delay(2);
            await client.SendAsync(bytes[cut..]);
            var line = await client.ReadLineAsync();
            if (line == "+ Ready for literal data")
            {
                line = await client.ReadLineAsync();
            }

            Assert.StartsWith("a OK [CAPABILITY", line, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Syntax_errors_and_unsafe_names_get_the_right_tagged_response()
    {
        await using var server = await TestMailServer.StartAsync();
        await using var client = await LoginAsync(server);
        Assert.StartsWith("b BAD", await client.CommandAsync("b FETCH 1 (FLAGS"), StringComparison.Ordinal);
        Assert.Equal("c NO [CANNOT] Invalid mailbox name", await client.CommandAsync("c CREATE ../../etc"));
        Assert.Equal("d NO [CANNOT] Invalid mailbox name", await client.CommandAsync("d CREATE /absolute"));
        Assert.Equal("e NO [NONEXISTENT] No such mailbox", await TaggedAsync(client, "e SELECT Nope"));
        Assert.StartsWith("f OK [READ-WRITE]", await TaggedAsync(client, "f SELECT INBOX"), StringComparison.Ordinal);
        Assert.Equal("g BAD Invalid message sequence number", await client.CommandAsync("g FETCH 1:* FLAGS"));
        Assert.Equal("h BAD Invalid message sequence number", await client.CommandAsync("h STORE 5 +FLAGS (\\Seen)"));
        Assert.Equal("i OK FETCH completed", await client.CommandAsync("i UID FETCH 1:* FLAGS"));
        Assert.StartsWith("j BAD", await client.CommandAsync("j SEARCH FROBNICATE"), StringComparison.Ordinal);
        Assert.Equal("k NO [BADCHARSET (UTF-8 US-ASCII)] Unsupported charset", await client.CommandAsync("k SEARCH CHARSET KOI8-R ALL"));
    }

    [Fact]
    public async Task Expunges_wait_while_fetch_by_sequence_number_and_arrive_at_noop()
    {
        await using var server = await TestMailServer.StartAsync();
        for (var i = 0; i < 3; i++)
        {
            await server.AppendAsync("alice@example.test", $"Subject: m{i}\r\n\r\nbody\r\n");
        }

        await using var a = await LoginAsync(server);
        await using var b = await LoginAsync(server);
        await TaggedAsync(a, "s SELECT INBOX");
        await TaggedAsync(b, "s SELECT INBOX");
        await TaggedAsync(b, "x STORE 2 +FLAGS.SILENT (\\Deleted)");
        await TaggedAsync(b, "y EXPUNGE");

        var untagged = new List<string>();
        Assert.Equal("f OK FETCH completed", await TaggedAsync(a, "f FETCH 1:3 (FLAGS)", untagged));
        Assert.DoesNotContain(untagged, l => l.EndsWith("EXPUNGE", StringComparison.Ordinal));
        Assert.Contains(untagged, l => l.StartsWith("* 2 FETCH (", StringComparison.Ordinal) && l.Contains("\\Deleted)", StringComparison.Ordinal));
        untagged.Clear();
        Assert.Equal("n OK NOOP completed", await TaggedAsync(a, "n NOOP", untagged));
        Assert.Contains("* 2 EXPUNGE", untagged);
    }

    [Fact]
    public async Task Idle_pushes_a_delivery_from_smtp_within_milliseconds()
    {
        await using var server = await TestMailServer.StartAsync();
        await using var client = await LoginAsync(server);
        await TaggedAsync(client, "s SELECT INBOX");
        await client.SendAsync("i IDLE\r\n");
        Assert.Equal("+ idling", await client.ReadLineAsync());

        await using var smtp = await LineClient.ConnectAsync(server.Smtp);
        await smtp.ReadReplyAsync();
        await smtp.CommandAsync("EHLO x");
        await smtp.CommandAsync("MAIL FROM:<a@remote.test>");
        await smtp.CommandAsync("RCPT TO:<alice@example.test>");
        await smtp.CommandAsync("DATA");
        var clock = Stopwatch.StartNew();
        Assert.StartsWith("250", await smtp.CommandAsync("Subject: push\r\n\r\nnow\r\n."), StringComparison.Ordinal);
        Assert.Equal("* 1 EXISTS", await client.ReadLineAsync());
        Assert.Equal("* 1 RECENT", await client.ReadLineAsync());
        var latency = clock.Elapsed;
        Assert.True(latency < TimeSpan.FromSeconds(2), $"IDLE push took {latency.TotalMilliseconds} ms");
        Assert.Equal("i OK IDLE terminated", await client.CommandAsync("DONE"));
    }

    [Fact]
    public async Task Idle_lets_go_of_the_parser_and_the_commands_after_done_parse_as_before()
    {
        // IDLE drops the session's parse arena while it waits (a memory saving for many idling clients): its tag must
        // survive for the tagged OK, and the next commands, pipelined behind DONE, get a new arena.
        await using var server = await TestMailServer.StartAsync();
        await using var client = await LoginAsync(server);
        await TaggedAsync(client, "s SELECT INBOX");
        for (var round = 0; round < 2; round++)
        {
            await client.SendAsync("idle.tag-" + round + " IDLE\r\n");
            Assert.Equal("+ idling", await client.ReadLineAsync());
            await client.SendAsync("DONE\r\nl LIST \"\" (\"INBOX\" \"inbox\")\r\n");
            Assert.Equal("idle.tag-" + round + " OK IDLE terminated", await client.ReadLineAsync());
            Assert.Equal("* LIST (\\HasNoChildren) \"/\" \"INBOX\"", await client.ReadLineAsync());
            Assert.Equal("l OK LIST completed", await client.ReadLineAsync());
        }

        var untagged = new List<string>();
        Assert.Equal("f OK FETCH completed", await TaggedAsync(client, "f UID FETCH 1:* (FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT FROM)])", untagged));
    }

    [Fact]
    public async Task A_graceful_shutdown_ends_idle_with_bye_unavailable()
    {
        var server = await TestMailServer.StartAsync();
        await using var client = await LoginAsync(server);
        await TaggedAsync(client, "s SELECT INBOX");
        await client.SendAsync("i IDLE\r\n");
        Assert.Equal("+ idling", await client.ReadLineAsync());
        var stop = server.Server.StopAsync();
        Assert.Equal("* BYE [UNAVAILABLE] Server shutting down", await client.ReadLineAsync());
        await stop.WaitAsync(TimeSpan.FromSeconds(10));
        await server.DisposeAsync();
    }

    [Fact]
    public async Task Plaintext_login_is_refused_without_tls_and_starttls_drops_pipelined_commands()
    {
        await using var server = await TestMailServer.StartAsync(insecureAuth: false);
        await using var client = await LineClient.ConnectAsync(server.Imap);
        Assert.Contains("LOGINDISABLED", await client.ReadLineAsync(), StringComparison.Ordinal);
        Assert.Equal("a NO [PRIVACYREQUIRED] Plaintext authentication disallowed on non-secure connections", await client.CommandAsync("a LOGIN alice@example.test alice-pw"));
        await client.SendAsync("b STARTTLS\r\nc LOGIN alice@example.test alice-pw\r\n");
        Assert.Equal("b OK Begin TLS negotiation now", await client.ReadLineAsync());
        await client.StartTlsAsync();
        var untagged = new List<string>();
        Assert.Equal("d OK CAPABILITY completed", await TaggedAsync(client, "d CAPABILITY", untagged));
        Assert.DoesNotContain("LOGINDISABLED", string.Join(' ', untagged), StringComparison.Ordinal);
        Assert.StartsWith("e OK [CAPABILITY", await client.CommandAsync("e LOGIN alice@example.test alice-pw"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Esearch_and_list_extended_with_status()
    {
        await using var server = await TestMailServer.StartAsync();
        await SeedAsync(server, 4);

        await using var client = await LoginAsync(server);
        await TaggedAsync(client, "s SELECT INBOX");
        var untagged = new List<string>();
        Assert.Equal("e OK SEARCH completed", await TaggedAsync(client, "e SEARCH RETURN (MIN MAX COUNT ALL) ALL", untagged));
        Assert.Equal("* ESEARCH (TAG \"e\") MIN 1 MAX 4 ALL 1:4 COUNT 4", Assert.Single(untagged));
        untagged.Clear();
        await TaggedAsync(client, "u UID SEARCH RETURN (COUNT) SUBJECT n2", untagged);
        Assert.Equal("* ESEARCH (TAG \"u\") UID COUNT 1", Assert.Single(untagged));

        untagged.Clear();
        Assert.Equal("l OK LIST completed", await TaggedAsync(client, "l LIST (SPECIAL-USE) \"\" \"*\" RETURN (SUBSCRIBED STATUS (MESSAGES UNSEEN SIZE))", untagged));
        Assert.Contains("* LIST (\\HasNoChildren \\Subscribed \\Sent) \"/\" \"Sent\"", untagged);
        Assert.Contains("* STATUS \"Sent\" (MESSAGES 0 UNSEEN 0 SIZE 0)", untagged);
        Assert.DoesNotContain(untagged, l => l.Contains("\"INBOX\"", StringComparison.Ordinal));

        untagged.Clear();
        await TaggedAsync(client, "m LIST \"\" INBOX RETURN (STATUS (MESSAGES))", untagged);
        Assert.Equal(["* LIST (\\HasNoChildren) \"/\" \"INBOX\"", "* STATUS \"INBOX\" (MESSAGES 4)"], untagged);
    }

    [Fact]
    public async Task A_large_message_is_fetched_whole_and_exact()
    {
        await using var server = await TestMailServer.StartAsync();
        var body = new StringBuilder("Subject: big\r\n\r\n");
        for (var i = 0; body.Length < 3_000_000; i++)
        {
            body.Append("line ").Append(i).Append(" of a big message\r\n");
        }

        var message = body.ToString();
        await server.AppendAsync("alice@example.test", message);
        await using var client = await LoginAsync(server);
        await TaggedAsync(client, "s SELECT INBOX");
        await client.SendAsync("f FETCH 1 (BODY.PEEK[])\r\n");
        var header = await client.ReadLineAsync();
        Assert.Equal($"* 1 FETCH (BODY[] {{{message.Length}}}", header);
        var received = new StringBuilder();
        while (received.Length < message.Length)
        {
            received.Append(await client.ReadLineAsync()).Append("\r\n");
        }

        Assert.Equal(message, received.ToString());
        Assert.Equal(")", await client.ReadLineAsync());
        Assert.Equal("f OK FETCH completed", await client.ReadLineAsync());
    }

    [Fact]
    public async Task Multiappend_appends_all_or_nothing()
    {
        await using var server = await TestMailServer.StartAsync();
        await using var client = await LoginAsync(server);
        await client.SendAsync("a APPEND Archive (\\Seen) {14+}\r\nSubject: one\r\n {14+}\r\nSubject: two\r\n\r\n");
        Assert.Matches("^a OK \\[APPENDUID \\d+ 1:2\\] APPEND completed$", await client.ReadLineAsync());
        Assert.Equal(2, (await server.InboxAsync("alice@example.test", "Archive")).Count);

        // The second message names a flag that cannot be stored: nothing of the command is kept.
        Assert.StartsWith("b BAD", await client.CommandAsync("b APPEND Archive {14+}\r\nSubject: six\r\n (\\Bogus) {16+}\r\nSubject: seven\r\n"), StringComparison.Ordinal);
        Assert.Equal(2, (await server.InboxAsync("alice@example.test", "Archive")).Count);
    }

    [Fact]
    public async Task Searchres_saves_a_result_for_dollar()
    {
        await using var server = await TestMailServer.StartAsync();
        await SeedAsync(server, 4);

        await using var client = await LoginAsync(server);
        await TaggedAsync(client, "s SELECT INBOX");
        var untagged = new List<string>();
        Assert.Equal("a OK SEARCH completed", await TaggedAsync(client, "a SEARCH RETURN (SAVE) OR SUBJECT n1 SUBJECT n3", untagged));
        Assert.Empty(untagged);
        Assert.Equal("b OK FETCH completed", await TaggedAsync(client, "b FETCH $ (UID)", untagged));
        Assert.Equal(["* 2 FETCH (UID 2)", "* 4 FETCH (UID 4)"], untagged);
        untagged.Clear();
        await TaggedAsync(client, "c UID STORE $ +FLAGS.SILENT (\\Flagged)", untagged);
        await TaggedAsync(client, "d SEARCH FLAGGED", untagged);
        Assert.Contains("* SEARCH 2 4", untagged);
        untagged.Clear();
        await TaggedAsync(client, "e SEARCH RETURN (SAVE COUNT) $ SUBJECT n3", untagged);
        Assert.Equal("* ESEARCH (TAG \"e\") COUNT 1", Assert.Single(untagged));
        untagged.Clear();
        await TaggedAsync(client, "f UID FETCH $ (FLAGS)", untagged);
        Assert.Equal(["* 4 FETCH (UID 4 FLAGS (\\Recent \\Flagged))"], untagged);
    }

    [Fact]
    public async Task Binary_fetch_decodes_transfer_encodings()
    {
        await using var server = await TestMailServer.StartAsync();
        await server.AppendAsync("alice@example.test", "Subject: bin\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\ncaf=C3=A9\r\n--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\nAAECAw==\r\n--b--\r\n");
        await server.AppendAsync("alice@example.test", "Subject: odd\r\nContent-Transfer-Encoding: x-uuencode\r\n\r\nbegin 644 x\r\n");
        await using var client = await LoginAsync(server);
        await TaggedAsync(client, "s SELECT INBOX");
        var untagged = new List<string>();
        Assert.Equal("a OK FETCH completed", await TaggedAsync(client, "a FETCH 1 (BINARY.PEEK[1] BINARY.SIZE[2])", untagged));
        Assert.Equal("* 1 FETCH (BINARY[1] {5}", untagged[0]);
        Assert.Equal("café BINARY.SIZE[2] 4)", untagged[1]);
        untagged.Clear();
        await client.SendAsync("b FETCH 1 (BINARY.PEEK[2])\r\n");
        Assert.Equal("* 1 FETCH (BINARY[2] ~{4}", await client.ReadLineAsync());
        Assert.Equal("\0\u0001\u0002\u0003)", await client.ReadLineAsync());
        Assert.Equal("b OK FETCH completed", await client.ReadLineAsync());
        Assert.Equal("c NO [UNKNOWN-CTE] Unknown Content-Transfer-Encoding", await TaggedAsync(client, "c FETCH 2 (BINARY.PEEK[])"));
    }
}
