using System.Text;
using MailKitServer.Policy;
using MailKitServer.Replies;
using MailKitServer.TestSupport;

namespace MailKitServer.Smtp.Tests.Session;

public class SmtpSessionTests
{
    private static async Task<LineClient> ConnectAsync(System.Net.IPEndPoint endPoint, string ehlo = "EHLO client.test")
    {
        var client = await LineClient.ConnectAsync(endPoint);
        Assert.StartsWith("220 mx.example.test ", string.Join("", await client.ReadReplyAsync()), StringComparison.Ordinal);
        if (ehlo.Length > 0)
        {
            Assert.StartsWith("250", await client.CommandAsync(ehlo), StringComparison.Ordinal);
        }

        return client;
    }

    [Fact]
    public async Task Ehlo_advertises_the_extensions()
    {
        await using var server = await TestMailServer.StartAsync();
        await using var client = await ConnectAsync(server.Smtp, ehlo: "");
        var reply = await client.CommandAsync("EHLO client.test");
        Assert.StartsWith("250-mx.example.test Hello client.test [127.0.0.1]", reply, StringComparison.Ordinal);
        foreach (var ext in new[] { "PIPELINING", "SIZE 52428800", "8BITMIME", "ENHANCEDSTATUSCODES", "STARTTLS", "AUTH SCRAM-SHA-256 CRAM-MD5 PLAIN LOGIN", "SMTPUTF8", "CHUNKING", "BINARYMIME", "DSN", "HELP" })
        {
            Assert.Contains(ext, reply, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("REQUIRETLS", reply, StringComparison.Ordinal);
        Assert.EndsWith("250 HELP", reply, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Message_is_stored_byte_for_byte_with_trace_headers()
    {
        await using var server = await TestMailServer.StartAsync();
        await using var client = await ConnectAsync(server.Smtp);
        Assert.Equal("250 2.1.0 Ok", await client.CommandAsync("MAIL FROM:<sender@remote.test>"));
        Assert.Equal("250 2.1.5 Ok", await client.CommandAsync("RCPT TO:<alice@example.test>"));
        Assert.StartsWith("354 ", await client.CommandAsync("DATA"), StringComparison.Ordinal);
        var body = "Subject: hi\r\n\r\n..dot\r\nline\r\n";
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        var reply = await client.CommandAsync(body + ".");
        var after = DateTimeOffset.UtcNow.AddSeconds(1);
        Assert.Matches("^250 2.0.0 Ok: queued as [0-9A-F]{12}$", reply);
        var stored = Encoding.UTF8.GetString(Assert.Single(await server.InboxAsync("alice@example.test")));
        Assert.StartsWith("Return-Path: <sender@remote.test>\r\nReceived: from client.test (127.0.0.1)\r\n\tby mx.example.test (MailKitServer) with ESMTP\r\n\tfor <alice@example.test>; ", stored, StringComparison.Ordinal);
        Assert.EndsWith("\r\nSubject: hi\r\n\r\n.dot\r\nline\r\n", stored, StringComparison.Ordinal);
        // RFC 5322 §3.3 date-time after the "; " of the Received field (RFC 5321 §4.4), read back with MimeKit.
        var date = stored.Split("; ", 2)[1].Split("\r\n", 2)[0];
        Assert.Matches(@"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$", date);
        Assert.True(MimeKit.Utils.DateUtils.TryParse(date, out var parsed), date);
        Assert.InRange(parsed, before, after);
    }

    [Fact]
    public async Task Commands_out_of_order_get_503_and_the_session_stays_usable()
    {
        await using var server = await TestMailServer.StartAsync();
        await using var client = await ConnectAsync(server.Smtp, ehlo: "");
        Assert.Equal("503 5.5.1 Error: send HELO/EHLO first", await client.CommandAsync("MAIL FROM:<a@b.test>"));
        await client.CommandAsync("EHLO x");
        Assert.Equal("503 5.5.1 Error: need MAIL command", await client.CommandAsync("RCPT TO:<alice@example.test>"));
        Assert.Equal("503 5.5.1 Error: need MAIL command", await client.CommandAsync("DATA"));
        Assert.Equal("250 2.1.0 Ok", await client.CommandAsync("MAIL FROM:<>"));
        Assert.Equal("503 5.5.1 Error: nested MAIL command", await client.CommandAsync("MAIL FROM:<>"));
        Assert.Equal("554 5.5.1 Error: no valid recipients", await client.CommandAsync("DATA"));
        Assert.Equal("250 2.0.0 Ok", await client.CommandAsync("RSET"));
        Assert.Equal("250 2.1.0 Ok", await client.CommandAsync("MAIL FROM:<>"));
        Assert.Equal("221 2.0.0 Bye", await client.CommandAsync("QUIT"));
        Assert.True(await client.IsClosedAsync());
    }

    [Fact]
    public async Task Recipients_are_checked_against_the_directory_and_relaying_is_refused()
    {
        await using var server = await TestMailServer.StartAsync(o => o.PostmasterAddress = "postmaster@example.test");
        server.Directory.AddAlias("team@example.test", "alice@example.test", "bob@example.test");
        await using var client = await ConnectAsync(server.Smtp);
        await client.CommandAsync("MAIL FROM:<x@remote.test>");
        Assert.Equal("550 5.1.1 <nobody@example.test>: Recipient address rejected: User unknown", await client.CommandAsync("RCPT TO:<nobody@example.test>"));
        Assert.Equal("554 5.7.1 Relay access denied", await client.CommandAsync("RCPT TO:<someone@elsewhere.test>"));
        Assert.Equal("250 2.1.5 Ok", await client.CommandAsync("RCPT TO:<team@example.test>"));
        Assert.Equal("250 2.1.5 Ok", await client.CommandAsync("RCPT TO:<alice+news@example.test>"));
        Assert.Equal("250 2.1.5 Ok", await client.CommandAsync("RCPT TO:<Postmaster>"));
        Assert.Equal("250 2.1.5 Ok", await client.CommandAsync("RCPT TO:<POSTMASTER@example.test>"));
        await client.CommandAsync("DATA");
        Assert.StartsWith("250 ", await client.CommandAsync("Subject: team\r\n\r\nhello\r\n."), StringComparison.Ordinal);

        // alice is reached twice (alias and sub-address) but gets one copy.
        Assert.Single(await server.InboxAsync("alice@example.test"));
        Assert.Single(await server.InboxAsync("bob@example.test"));
    }

    [Fact]
    public async Task Submission_requires_authentication_and_then_may_relay_only_with_a_queue()
    {
        await using var server = await TestMailServer.StartAsync();
        await using var client = await ConnectAsync(server.Submission);
        Assert.Equal("530 5.7.0 Authentication required", await client.CommandAsync("MAIL FROM:<alice@example.test>"));
        var plain = Convert.ToBase64String(Encoding.UTF8.GetBytes("\0alice@example.test\0alice-pw"));
        Assert.Equal("235 2.7.0 Authentication successful", await client.CommandAsync("AUTH PLAIN " + plain));
        Assert.Equal("503 5.5.1 Error: already authenticated", await client.CommandAsync("AUTH PLAIN " + plain));
        Assert.Equal("250 2.1.0 Ok", await client.CommandAsync("MAIL FROM:<alice@example.test>"));
        Assert.Equal("550 5.7.1 Relaying is not available on this server", await client.CommandAsync("RCPT TO:<friend@remote.test>"));
        Assert.Equal("250 2.1.5 Ok", await client.CommandAsync("RCPT TO:<bob@example.test>"));
        await client.CommandAsync("DATA");
        Assert.StartsWith("250 ", await client.CommandAsync("Subject: x\r\n\r\ny\r\n."), StringComparison.Ordinal);
        Assert.Contains("with ESMTPA", Encoding.UTF8.GetString(Assert.Single(await server.InboxAsync("bob@example.test"))), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Auth_errors_have_precise_replies()
    {
        await using var server = await TestMailServer.StartAsync(insecureAuth: false);
        await using var client = await ConnectAsync(server.Submission);
        var ehlo = await client.CommandAsync("EHLO again");
        Assert.Contains("AUTH SCRAM-SHA-256 CRAM-MD5\n", ehlo, StringComparison.Ordinal);
        Assert.Equal("538 5.7.11 Encryption required for requested authentication mechanism", await client.CommandAsync("AUTH PLAIN AGFAYgBj"));
        Assert.Equal("504 5.5.4 Unrecognized authentication type", await client.CommandAsync("AUTH GSSAPI"));
        Assert.StartsWith("334 ", await client.CommandAsync("AUTH CRAM-MD5"), StringComparison.Ordinal);
        Assert.Equal("501 5.5.2 Invalid base64 data", await client.CommandAsync("not base64!"));
        Assert.StartsWith("334 ", await client.CommandAsync("AUTH CRAM-MD5"), StringComparison.Ordinal);
        Assert.Equal("501 5.0.0 Authentication cancelled", await client.CommandAsync("*"));
        var challenge = (await client.CommandAsync("AUTH CRAM-MD5"))[4..];
        var digest = Convert.ToHexStringLower(System.Security.Cryptography.HMACMD5.HashData("wrong"u8, Convert.FromBase64String(challenge)));
        Assert.Equal("535 5.7.8 Authentication credentials invalid", await client.CommandAsync(Convert.ToBase64String(Encoding.ASCII.GetBytes("alice@example.test " + digest))));
        challenge = (await client.CommandAsync("AUTH CRAM-MD5"))[4..];
        digest = Convert.ToHexStringLower(System.Security.Cryptography.HMACMD5.HashData("alice-pw"u8, Convert.FromBase64String(challenge)));
        Assert.Equal("235 2.7.0 Authentication successful", await client.CommandAsync(Convert.ToBase64String(Encoding.ASCII.GetBytes("alice@example.test " + digest))));
    }

    [Fact]
    public async Task Size_is_checked_at_mail_and_enforced_while_data_streams_keeping_the_session_in_sync()
    {
        await using var server = await TestMailServer.StartAsync(o => o.MaxMessageSize = 10_000);
        await using var client = await ConnectAsync(server.Smtp);
        Assert.Equal("552 5.3.4 Message size exceeds fixed maximum message size", await client.CommandAsync("MAIL FROM:<a@remote.test> SIZE=20000"));
        Assert.Equal("250 2.1.0 Ok", await client.CommandAsync("MAIL FROM:<a@remote.test> SIZE=100"));
        await client.CommandAsync("RCPT TO:<alice@example.test>");
        await client.CommandAsync("DATA");
        var big = string.Concat(Enumerable.Repeat("0123456789012345678901234567890123456789\r\n", 1000));
        Assert.Equal("552 5.3.4 Message size exceeds fixed maximum message size", await client.CommandAsync(big + "."));
        Assert.Empty(await server.InboxAsync("alice@example.test"));

        // The session is in sync: a normal message goes through afterwards.
        await client.CommandAsync("MAIL FROM:<a@remote.test>");
        await client.CommandAsync("RCPT TO:<alice@example.test>");
        await client.CommandAsync("DATA");
        Assert.StartsWith("250 ", await client.CommandAsync("Subject: small\r\n\r\nok\r\n."), StringComparison.Ordinal);
        Assert.Single(await server.InboxAsync("alice@example.test"));
    }

    [Fact]
    public async Task Smuggled_end_of_data_is_not_a_command()
    {
        await using var server = await TestMailServer.StartAsync();
        await using var client = await ConnectAsync(server.Smtp);
        await client.SendAsync("MAIL FROM:<a@remote.test>\r\nRCPT TO:<alice@example.test>\r\nDATA\r\n");
        Assert.Equal("250 2.1.0 Ok", string.Join("", await client.ReadReplyAsync()));
        Assert.Equal("250 2.1.5 Ok", string.Join("", await client.ReadReplyAsync()));
        Assert.StartsWith("354", string.Join("", await client.ReadReplyAsync()), StringComparison.Ordinal);
        await client.SendAsync("Subject: one\r\n\r\nbody\n.\r\nMAIL FROM:<evil@remote.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\nSubject: smuggled\r\n\r\n.\r\n");
        Assert.StartsWith("250 2.0.0", string.Join("", await client.ReadReplyAsync()), StringComparison.Ordinal);
        Assert.Equal("250 2.0.0 Ok", await client.CommandAsync("NOOP"));
        Assert.Empty(await server.InboxAsync("bob@example.test"));
        var stored = Encoding.UTF8.GetString(Assert.Single(await server.InboxAsync("alice@example.test")));
        Assert.EndsWith("body\n.\r\nMAIL FROM:<evil@remote.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\nSubject: smuggled\r\n\r\n", stored, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connection_lost_during_data_stores_nothing()
    {
        await using var server = await TestMailServer.StartAsync();
        await using (var client = await ConnectAsync(server.Smtp))
        {
            await client.CommandAsync("MAIL FROM:<a@remote.test>");
            await client.CommandAsync("RCPT TO:<alice@example.test>");
            await client.CommandAsync("DATA");
            await client.SendAsync("Subject: partial\r\n\r\nno end in sight\r\n");
        }

        await server.WaitForNoConnectionsAsync();
        Assert.Empty(await server.InboxAsync("alice@example.test"));
    }

    [Fact]
    public async Task Starttls_discards_pipelined_commands_and_resets_the_session()
    {
        await using var server = await TestMailServer.StartAsync();
        await using var client = await ConnectAsync(server.Smtp);
        await client.SendAsync("STARTTLS\r\nMAIL FROM:<injected@remote.test>\r\n");
        Assert.Equal("220 2.0.0 Ready to start TLS", string.Join("", await client.ReadReplyAsync()));
        await client.StartTlsAsync();

        // Had the injected MAIL run, this would be "nested MAIL"; EHLO is also required again (RFC 3207 §4.2).
        Assert.Equal("503 5.5.1 Error: send HELO/EHLO first", await client.CommandAsync("MAIL FROM:<a@remote.test>"));
        var ehlo = await client.CommandAsync("EHLO client.test");
        Assert.DoesNotContain("STARTTLS", ehlo, StringComparison.Ordinal);
        Assert.Contains("REQUIRETLS", ehlo, StringComparison.Ordinal);
        Assert.Equal("250 2.1.0 Ok", await client.CommandAsync("MAIL FROM:<a@remote.test> REQUIRETLS"));
        await client.CommandAsync("RCPT TO:<alice@example.test>");
        await client.CommandAsync("DATA");
        await client.CommandAsync("Subject: tls\r\n\r\nx\r\n.");
        var stored = Encoding.UTF8.GetString(Assert.Single(await server.InboxAsync("alice@example.test")));
        Assert.Contains("with ESMTPS\r\n\t(using Tls", stored, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bdat_chunks_are_assembled_and_lying_sizes_stay_in_sync()
    {
        await using var server = await TestMailServer.StartAsync();
        await using var client = await ConnectAsync(server.Smtp);
        await client.CommandAsync("MAIL FROM:<a@remote.test> BODY=BINARYMIME");
        await client.CommandAsync("RCPT TO:<alice@example.test>");
        Assert.Equal("503 5.5.1 Error: use BDAT for this transaction", await client.CommandAsync("DATA"));
        await client.SendAsync("BDAT 14\r\nSubject: x\r\n\r\n");
        Assert.Equal("250 2.0.0 14 octets received", string.Join("", await client.ReadReplyAsync()));
        await client.SendAsync("BDAT 5 LAST\r\nb\0dy!");
        Assert.StartsWith("250 2.0.0 Ok: queued as", string.Join("", await client.ReadReplyAsync()), StringComparison.Ordinal);
        Assert.EndsWith("Subject: x\r\n\r\nb\0dy!", Encoding.UTF8.GetString(Assert.Single(await server.InboxAsync("alice@example.test"))), StringComparison.Ordinal);

        // A chunk announced without a transaction is still read (so "NOOP" inside it is data), then refused.
        await client.SendAsync("BDAT 6\r\nNOOP\r\n");
        Assert.Equal("503 5.5.1 Error: need MAIL and RCPT commands", string.Join("", await client.ReadReplyAsync()));
        Assert.Equal("501 5.5.4 Syntax: BDAT chunk-size [LAST]", await client.CommandAsync("BDAT x"));
        Assert.Equal("250 2.0.0 Ok", await client.CommandAsync("NOOP"));
    }

    [Fact]
    public async Task Bdat_over_the_size_limit_is_refused_as_soon_as_it_is_passed()
    {
        await using var server = await TestMailServer.StartAsync(o => o.MaxMessageSize = 2000);
        await using var client = await ConnectAsync(server.Smtp);
        await client.CommandAsync("MAIL FROM:<a@remote.test>");
        await client.CommandAsync("RCPT TO:<alice@example.test>");
        await client.SendAsync("BDAT 3000\r\n" + new string('x', 3000));
        Assert.Equal("552 5.3.4 Message size exceeds fixed maximum message size", string.Join("", await client.ReadReplyAsync()));
        Assert.Equal("250 2.0.0 Ok", await client.CommandAsync("NOOP"));
        Assert.Empty(await server.InboxAsync("alice@example.test"));
    }

    [Fact]
    public async Task Lmtp_answers_once_per_recipient()
    {
        await using var server = await TestMailServer.StartAsync();
        await using var client = await LineClient.ConnectAsync(server.Lmtp);
        Assert.StartsWith("220 mx.example.test LMTP", string.Join("", await client.ReadReplyAsync()), StringComparison.Ordinal);
        Assert.Equal("500 5.5.1 Error: command not recognized", await client.CommandAsync("EHLO x"));
        Assert.StartsWith("250-mx.example.test", await client.CommandAsync("LHLO x"), StringComparison.Ordinal);
        await client.CommandAsync("MAIL FROM:<a@remote.test>");
        Assert.Equal("250 2.1.5 Ok", await client.CommandAsync("RCPT TO:<alice@example.test>"));
        Assert.StartsWith("550", await client.CommandAsync("RCPT TO:<ghost@example.test>"), StringComparison.Ordinal);
        Assert.Equal("250 2.1.5 Ok", await client.CommandAsync("RCPT TO:<bob@example.test>"));
        await client.CommandAsync("DATA");
        await client.SendAsync("Subject: lmtp\r\n\r\nx\r\n.\r\n");
        Assert.Equal("250 2.1.5 <alice@example.test> delivered", string.Join("", await client.ReadReplyAsync()));
        Assert.Equal("250 2.1.5 <bob@example.test> delivered", string.Join("", await client.ReadReplyAsync()));
        Assert.Contains("with LMTP", Encoding.UTF8.GetString(Assert.Single(await server.InboxAsync("bob@example.test"))), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_input_gets_precise_errors_and_too_many_close_the_session()
    {
        await using var server = await TestMailServer.StartAsync(o => o.MaxErrors = 4);
        await using var client = await ConnectAsync(server.Smtp);
        Assert.Equal("500 5.5.2 Error: line too long", await client.CommandAsync("NOOP " + new string('x', 5000)));
        Assert.Equal("501 5.5.4 Syntax: MAIL FROM:<address>", await client.CommandAsync("MAIL FROM:nobrackets@x.test"));
        Assert.Equal("500 5.5.1 Error: command not recognized", await client.CommandAsync("GET / HTTP/1.1"));
        Assert.Equal("500 5.5.1 Error: command not recognized", await client.CommandAsync("XYZZY"));
        Assert.Equal("421 4.7.0 mx.example.test Error: too many errors", string.Join("", await client.ReadReplyAsync()));
        Assert.True(await client.IsClosedAsync());
    }

    [Fact]
    public async Task Esmtp_parameters_are_validated()
    {
        await using var server = await TestMailServer.StartAsync();
        await using var client = await ConnectAsync(server.Smtp);
        Assert.Equal("555 5.5.4 Unsupported option", await client.CommandAsync("MAIL FROM:<a@remote.test> FOO=BAR"));
        Assert.Equal("555 5.5.4 Unsupported option", await client.CommandAsync("MAIL FROM:<a@remote.test> REQUIRETLS"));
        Assert.Equal("501 5.5.4 Syntax: RET=FULL or RET=HDRS", await client.CommandAsync("MAIL FROM:<a@remote.test> RET=SOME"));
        Assert.Equal("553 5.6.7 Non-ASCII address requires SMTPUTF8", await client.CommandAsync("MAIL FROM:<josé@remote.test>"));
        Assert.Equal("250 2.1.0 Ok", await client.CommandAsync("MAIL FROM:<josé@remote.test> SMTPUTF8 BODY=8BITMIME RET=HDRS ENVID=abc+2Bdef"));
        Assert.Equal("501 5.5.4 Syntax: NOTIFY=NEVER or NOTIFY=SUCCESS,FAILURE,DELAY", await client.CommandAsync("RCPT TO:<alice@example.test> NOTIFY=NEVER,SUCCESS"));
        Assert.Equal("250 2.1.5 Ok", await client.CommandAsync("RCPT TO:<alice@example.test> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;alice+40example.test"));
        Assert.Equal("501 5.1.3 Bad recipient address syntax", await client.CommandAsync("RCPT TO:<not an address>"));
        await client.CommandAsync("DATA");
        Assert.StartsWith("250 ", await client.CommandAsync("Subject: caf\u00e9\r\n\r\n\u00fcber\r\n."), StringComparison.Ordinal);
        Assert.Contains("with UTF8SMTP", Encoding.UTF8.GetString(Assert.Single(await server.InboxAsync("alice@example.test"))), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Parameters_of_a_refused_mail_or_rcpt_do_not_leak_into_the_next_one()
    {
        await using var server = await TestMailServer.StartAsync();
        await using var client = await ConnectAsync(server.Smtp);

        // SMTPUTF8 on a MAIL refused for another parameter must not make the next MAIL an SMTPUTF8 one.
        Assert.Equal("555 5.5.4 Unsupported option", await client.CommandAsync("MAIL FROM:<a@x.test> SMTPUTF8 XFOO=1"));
        Assert.Equal("553 5.6.7 Non-ASCII address requires SMTPUTF8", await client.CommandAsync("MAIL FROM:<\u00e4@x.test>"));

        // Nor BODY=BINARYMIME (which would refuse DATA), ENVID or RET.
        Assert.Equal("501 5.5.4 Syntax: RET=FULL or RET=HDRS", await client.CommandAsync("MAIL FROM:<a@x.test> BODY=BINARYMIME ENVID=leak RET=SOME"));
        Assert.Equal("555 5.5.4 Unsupported option", await client.CommandAsync("MAIL FROM:<a@x.test> BODY=BINARYMIME XFOO=1"));
        Assert.Equal("250 2.1.0 Ok", await client.CommandAsync("MAIL FROM:<a@x.test>"));
        Assert.Equal("553 5.6.7 Non-ASCII address requires SMTPUTF8", await client.CommandAsync("RCPT TO:<\u00e4@example.test>"));

        // A refused RCPT's NOTIFY/ORCPT are not kept either (each RCPT starts from nothing).
        Assert.Equal("555 5.5.4 Unsupported option", await client.CommandAsync("RCPT TO:<alice@example.test> NOTIFY=SUCCESS XFOO=1"));
        Assert.Equal("250 2.1.5 Ok", await client.CommandAsync("RCPT TO:<alice@example.test>"));
        Assert.StartsWith("354 ", await client.CommandAsync("DATA"), StringComparison.Ordinal);
        Assert.StartsWith("250 ", await client.CommandAsync("Subject: plain\r\n\r\nx\r\n."), StringComparison.Ordinal);
        var stored = Encoding.UTF8.GetString(Assert.Single(await server.InboxAsync("alice@example.test")));
        Assert.Contains("with ESMTP", stored, StringComparison.Ordinal);
        Assert.DoesNotContain("UTF8", stored, StringComparison.Ordinal);

        // SMTPUTF8 given on the MAIL itself still works.
        Assert.Equal("250 2.1.0 Ok", await client.CommandAsync("MAIL FROM:<\u00e4@x.test> SMTPUTF8"));
    }

    [Fact]
    public async Task Replies_wait_for_the_store_and_a_failing_store_gets_451()
    {
        var store = new GatedStore();
        await using var server = await TestMailServer.StartAsync(configure: b => b.UseStore(store));
        await using var client = await ConnectAsync(server.Smtp);
        await client.CommandAsync("MAIL FROM:<a@remote.test>");
        await client.CommandAsync("RCPT TO:<alice@example.test>");
        await client.CommandAsync("DATA");
        await client.SendAsync("Subject: wait\r\n\r\nx\r\n.\r\n");
        var reply = client.ReadReplyAsync();
        await store.Entered.Task.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.False(reply.IsCompleted, "250 must not be sent before the store says the message is durable");
        store.Release.SetResult(true);
        Assert.StartsWith("250 2.0.0", string.Join("", await reply), StringComparison.Ordinal);

        store.Fail = true;
        await client.CommandAsync("MAIL FROM:<a@remote.test>");
        await client.CommandAsync("RCPT TO:<alice@example.test>");
        await client.CommandAsync("DATA");
        Assert.Equal("451 4.3.0 Error: local delivery failed, try again later", await client.CommandAsync("Subject: fail\r\n\r\nx\r\n."));
    }

    [Fact]
    public async Task Policy_verdicts_are_sent_as_given()
    {
        await using var server = await TestMailServer.StartAsync(configure: b => b.UsePolicy(new StrictPolicy()));
        await using var client = await ConnectAsync(server.Smtp);
        Assert.Equal("550 5.7.1 Senders from spam.test are refused", await client.CommandAsync("MAIL FROM:<x@spam.test>"));
        await client.CommandAsync("MAIL FROM:<x@remote.test>");
        await client.CommandAsync("RCPT TO:<alice@example.test>");
        await client.CommandAsync("DATA");
        Assert.Equal("554 5.7.1 Message content rejected", await client.CommandAsync("Subject: buy now\r\n\r\nx\r\n."));
        Assert.Empty(await server.InboxAsync("alice@example.test"));
    }

    [Fact]
    public async Task Graceful_shutdown_finishes_a_message_in_progress()
    {
        var server = await TestMailServer.StartAsync();
        await using var idle = await ConnectAsync(server.Smtp);
        await using var client = await ConnectAsync(server.Smtp);
        await client.CommandAsync("MAIL FROM:<a@remote.test>");
        await client.CommandAsync("RCPT TO:<alice@example.test>");
        await client.CommandAsync("DATA");
        await client.SendAsync("Subject: last\r\n\r\n");
        var stop = server.Server.StopAsync();
        Assert.Equal("421 4.3.2 mx.example.test Service shutting down", string.Join("", await idle.ReadReplyAsync()));
        await client.SendAsync("end\r\n.\r\n");
        Assert.StartsWith("250 2.0.0", string.Join("", await client.ReadReplyAsync()), StringComparison.Ordinal);
        Assert.Equal("421 4.3.2 mx.example.test Service shutting down", string.Join("", await client.ReadReplyAsync()));
        await stop.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Single(await server.InboxAsync("alice@example.test"));
        await server.DisposeAsync();
    }

    private sealed class StrictPolicy : DeliveryPolicy
    {
        public override ValueTask<PolicyVerdict> OnMailFromAsync(SessionInfo session, MailFromRequest request, CancellationToken cancellationToken) =>
            ValueTask.FromResult(request.Sender?.Domain == "spam.test" ? PolicyVerdict.Reject(new SmtpReply(550, "5.7.1", "Senders from spam.test are refused")) : PolicyVerdict.Accept);

        public override async ValueTask<PolicyVerdict> OnMessageAsync(SessionInfo session, MessageCheckRequest request, CancellationToken cancellationToken)
        {
            using var reader = new StreamReader(request.OpenContent());
            var text = await reader.ReadToEndAsync(cancellationToken);
            Assert.StartsWith("Subject:", text, StringComparison.Ordinal);
            return text.Contains("buy now", StringComparison.Ordinal) ? PolicyVerdict.Reject(new SmtpReply(554, "5.7.1", "Message content rejected")) : PolicyVerdict.Accept;
        }
    }
}
