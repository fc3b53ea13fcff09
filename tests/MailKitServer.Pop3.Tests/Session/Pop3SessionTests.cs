using MailKitServer.TestSupport;

namespace MailKitServer.Pop3.Tests.Session;

public class Pop3SessionTests
{
    private const string Message1 = "Subject: one\r\n\r\n.leading dot\r\nsecond\r\n";
    private const string Message2 = "Subject: two\r\n\r\nbody two\r\n";

    private static async Task<LineClient> LoginAsync(TestMailServer server, string user = "alice@example.test", string password = "alice-pw")
    {
        var client = await LineClient.ConnectAsync(server.Pop3);
        Assert.Equal("+OK MailKitServer POP3 server ready", await client.ReadLineAsync());
        Assert.Equal("+OK", await client.CommandAsync("USER " + user));
        Assert.StartsWith("+OK Logged in", await client.CommandAsync("PASS " + password), StringComparison.Ordinal);
        return client;
    }

    private static async Task<List<string>> MultiLineAsync(LineClient client, string command)
    {
        await client.SendAsync(command + "\r\n");
        var lines = new List<string>();
        var first = await client.ReadLineAsync();
        Assert.StartsWith("+OK", first, StringComparison.Ordinal);
        while (await client.ReadLineAsync() is { } line && line != ".")
        {
            lines.Add(line);
        }

        return lines;
    }

    [Fact]
    public async Task Stat_list_uidl_retr_top_with_exact_octets_and_dot_stuffing()
    {
        await using var server = await TestMailServer.StartAsync();
        await server.AppendAsync("alice@example.test", Message1);
        await server.AppendAsync("alice@example.test", Message2);
        await using var client = await LoginAsync(server);
        Assert.Equal($"+OK 2 {Message1.Length + Message2.Length}", await client.CommandAsync("STAT"));
        Assert.Equal([$"1 {Message1.Length}", $"2 {Message2.Length}"], await MultiLineAsync(client, "LIST"));
        Assert.Equal($"+OK 2 {Message2.Length}", await client.CommandAsync("LIST 2"));
        var uidl = await MultiLineAsync(client, "UIDL");
        Assert.Equal(2, uidl.Count);
        Assert.Matches("^1 [0-9a-f]{8}00000001$", uidl[0]);
        Assert.Equal(["Subject: one", "", "..leading dot", "second"], await MultiLineAsync(client, "RETR 1"));
        Assert.Equal(["Subject: one", "", "..leading dot"], await MultiLineAsync(client, "TOP 1 1"));
        Assert.Equal("-ERR No such message", await client.CommandAsync("RETR 3"));
        Assert.Equal("-ERR Invalid message number", await client.CommandAsync("RETR x"));
        Assert.Equal("-ERR Syntax: TOP message lines", await client.CommandAsync("TOP 1"));
    }

    [Fact]
    public async Task Deletions_apply_only_on_quit_and_rset_undoes_them()
    {
        await using var server = await TestMailServer.StartAsync();
        await server.AppendAsync("alice@example.test", Message1);
        await server.AppendAsync("alice@example.test", Message2);
        await using (var client = await LoginAsync(server))
        {
            Assert.Equal("+OK Message 1 deleted", await client.CommandAsync("DELE 1"));
            Assert.Equal("-ERR Message already deleted", await client.CommandAsync("DELE 1"));
            Assert.Equal("-ERR Message already deleted", await client.CommandAsync("RETR 1"));
            Assert.Equal($"+OK 1 {Message2.Length}", await client.CommandAsync("STAT"));
            Assert.Equal($"+OK maildrop has 2 messages ({Message1.Length + Message2.Length} octets)", await client.CommandAsync("RSET"));
            await client.CommandAsync("DELE 2");

            // Dropping the connection without QUIT deletes nothing.
        }

        await server.WaitForNoConnectionsAsync();
        Assert.Equal(2, (await server.InboxAsync("alice@example.test")).Count);
        await using (var client = await LoginAsync(server))
        {
            await client.CommandAsync("DELE 2");
            Assert.Equal("+OK MailKitServer POP3 server signing off (1 messages deleted)", await client.CommandAsync("QUIT"));
        }

        Assert.Contains("Subject: one", System.Text.Encoding.UTF8.GetString(Assert.Single(await server.InboxAsync("alice@example.test"))), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Maildrop_is_unlocked_once_quit_is_answered()
    {
        // A client that reconnects the moment it reads QUIT's +OK (poplib does) must find the maildrop free:
        // the old connection is still open here, so only the UPDATE-then-answer order makes this pass.
        await using var server = await TestMailServer.StartAsync();
        await server.AppendAsync("alice@example.test", Message1);
        var open = new List<LineClient>();
        try
        {
            for (var round = 0; round < 25; round++)
            {
                var client = await LoginAsync(server);
                open.Add(client);
                Assert.StartsWith("+OK MailKitServer POP3 server signing off", await client.CommandAsync("QUIT"), StringComparison.Ordinal);
            }
        }
        finally
        {
            foreach (var client in open)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Maildrop_is_locked_and_new_mail_waits_for_the_next_session()
    {
        await using var server = await TestMailServer.StartAsync();
        await server.AppendAsync("alice@example.test", Message1);
        await using var first = await LoginAsync(server);
        await using (var second = await LineClient.ConnectAsync(server.Pop3))
        {
            await second.ReadLineAsync();
            await second.CommandAsync("USER alice@example.test");
            Assert.Equal("-ERR [IN-USE] Mailbox is locked by another POP3 session", await second.CommandAsync("PASS alice-pw"));
        }

        await server.AppendAsync("alice@example.test", Message2);
        Assert.Equal($"+OK 1 {Message1.Length}", await first.CommandAsync("STAT"));
        await first.CommandAsync("QUIT");
        await using var third = await LoginAsync(server);
        Assert.Equal($"+OK 2 {Message1.Length + Message2.Length}", await third.CommandAsync("STAT"));
    }

    [Fact]
    public async Task Uidl_is_stable_across_sessions()
    {
        await using var server = await TestMailServer.StartAsync();
        await server.AppendAsync("alice@example.test", Message1);
        var uid2 = await server.AppendAsync("alice@example.test", Message2);
        string before;
        await using (var client = await LoginAsync(server))
        {
            before = await client.CommandAsync("UIDL 2");
            await client.CommandAsync("DELE 1");
            await client.CommandAsync("QUIT");
        }

        await using var again = await LoginAsync(server);
        Assert.Equal(before.Replace("+OK 2 ", "+OK 1 ", StringComparison.Ordinal), await again.CommandAsync("UIDL 1"));
        Assert.EndsWith(uid2.ToString("x8", System.Globalization.CultureInfo.InvariantCulture), before, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_state_bad_password_and_bad_base64_get_precise_errors()
    {
        await using var server = await TestMailServer.StartAsync();
        await using var client = await LineClient.ConnectAsync(server.Pop3);
        await client.ReadLineAsync();
        Assert.Equal("-ERR Command not valid before authentication", await client.CommandAsync("STAT"));
        Assert.Equal("-ERR USER first", await client.CommandAsync("PASS x"));
        await client.CommandAsync("USER alice@example.test");
        Assert.Equal("-ERR [AUTH] Authentication failed", await client.CommandAsync("PASS wrong"));
        Assert.Equal("-ERR Invalid base64 data", await client.CommandAsync("AUTH PLAIN !!!"));
        Assert.Equal("-ERR Unsupported authentication mechanism", await client.CommandAsync("AUTH KERBEROS_V4"));
        Assert.Equal("-ERR APOP is not available", await client.CommandAsync("APOP alice 0123456789abcdef0123456789abcdef"));
        var plain = Convert.ToBase64String("\0alice@example.test\0alice-pw"u8);
        Assert.StartsWith("+OK Logged in", await client.CommandAsync("AUTH PLAIN " + plain), StringComparison.Ordinal);
        Assert.Equal("-ERR Command not valid in this state", await client.CommandAsync("USER bob"));
        Assert.Equal("-ERR Unknown command", await client.CommandAsync("XTND"));
        Assert.Equal("-ERR Line too long", await client.CommandAsync("NOOP " + new string('x', 3000)));
        Assert.Equal("+OK", await client.CommandAsync("NOOP"));
    }

    [Fact]
    public async Task Capa_differs_by_state_and_plaintext_is_refused_without_tls()
    {
        await using var server = await TestMailServer.StartAsync(insecureAuth: false, pop3: o => o.LoginDelay = TimeSpan.FromSeconds(30));
        await using var client = await LineClient.ConnectAsync(server.Pop3);
        await client.ReadLineAsync();
        var capa = await MultiLineAsync(client, "CAPA");
        Assert.Equal(["TOP", "UIDL", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING", "EXPIRE NEVER", "LOGIN-DELAY 30", "SASL SCRAM-SHA-256 CRAM-MD5", "STLS", "UTF8 USER", "IMPLEMENTATION MailKitServer"], capa);
        Assert.Equal("-ERR [AUTH] Plaintext authentication disallowed on non-secure connections", await client.CommandAsync("USER alice@example.test"));

        // STLS discards what was pipelined behind it.
        await client.SendAsync("STLS\r\nUSER injected\r\n");
        Assert.Equal("+OK Begin TLS negotiation", await client.ReadLineAsync());
        await client.StartTlsAsync();
        Assert.Equal("-ERR USER first", await client.CommandAsync("PASS alice-pw"));
        capa = await MultiLineAsync(client, "CAPA");
        Assert.Contains("USER", capa);
        Assert.DoesNotContain("STLS", capa);
        await client.CommandAsync("USER alice@example.test");
        Assert.StartsWith("+OK Logged in", await client.CommandAsync("PASS alice-pw"), StringComparison.Ordinal);
        await client.CommandAsync("QUIT");

        // LOGIN-DELAY: a second login within 30 s is refused with its response code.
        await using var again = await LineClient.ConnectAsync(server.Pop3s);
        await again.StartTlsAsync();
        await again.ReadLineAsync();
        await again.CommandAsync("USER alice@example.test");
        Assert.Equal("-ERR [LOGIN-DELAY] Minimum time between logins not reached", await again.CommandAsync("PASS alice-pw"));
    }

    [Fact]
    public async Task Pipelined_commands_are_answered_in_order()
    {
        await using var server = await TestMailServer.StartAsync();
        await server.AppendAsync("alice@example.test", Message2);
        await using var client = await LineClient.ConnectAsync(server.Pop3);
        await client.ReadLineAsync();
        await client.SendAsync("USER alice@example.test\r\nPASS alice-pw\r\nSTAT\r\nLIST 1\r\nQUIT\r\n");
        Assert.Equal("+OK", await client.ReadLineAsync());
        Assert.StartsWith("+OK Logged in", await client.ReadLineAsync(), StringComparison.Ordinal);
        Assert.Equal($"+OK 1 {Message2.Length}", await client.ReadLineAsync());
        Assert.Equal($"+OK 1 {Message2.Length}", await client.ReadLineAsync());
        Assert.StartsWith("+OK MailKitServer POP3 server signing off", await client.ReadLineAsync(), StringComparison.Ordinal);
    }
}
