using System.Globalization;
using System.Net;
using MailKitServer.Dns;
using MailKitServer.Policy;
using MailKitServer.Runtime;
using MailKitServer.Smtp;
using MailKitServer.Smtp.Outbound;
using MailKitServer.Storage.InMemory;
using MailKitServer.TestSupport;
using MailKitServer.Users.InMemory;

namespace MailKitServer.Interop.Tests.Smtp;

/// <summary>
/// Outbound delivery with real peers: dnsmasq answers the MX lookups, Python smtplib submits to server A and imaplib
/// reads the bounce there; Postfix is the remote in one test and the sender in another.
/// </summary>
public class OutboundInteropTests
{
    private static readonly IPAddress RemoteAddress = RemoteReceiver.Address;

    private const string Submit = """
        import smtplib, ssl, sys
        port, to = int(sys.argv[1]), sys.argv[2].split(",")
        ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
        with smtplib.SMTP("127.0.0.1", port) as s:
            s.ehlo("py.test"); s.starttls(context=ctx); s.ehlo("py.test")
            s.login("alice@example.test", "alice-pw")
            refused = s.sendmail("alice@example.test", to, b"From: alice@example.test\r\nTo: " + ", ".join(to).encode() + b"\r\nSubject: outbound test\r\n\r\nHello over the internet of loopback.\r\n", rcpt_options=["NOTIFY=FAILURE,DELAY"])
            assert refused == {}, refused
        print("sent")
        """;

    private const string ReadBounce = """
        import imaplib, sys, time, email
        m = imaplib.IMAP4("127.0.0.1", int(sys.argv[1]))
        m.login("alice@example.test", "alice-pw")
        for _ in range(200):
            typ, data = m.select("INBOX")
            if data[0] != b"0": break
            time.sleep(0.05)
        typ, data = m.fetch("1", "(BODY.PEEK[])")
        msg = email.message_from_bytes(data[0][1])
        assert msg.get_content_type() == "multipart/report", msg.get_content_type()
        assert msg.get_param("report-type") == "delivery-status"
        parts = msg.get_payload()
        status = parts[1]
        assert status.get_content_type() == "message/delivery-status", status.get_content_type()
        blocks = status.get_payload()
        per = blocks[1]
        print("FINAL", per["Final-Recipient"]); print("ACTION", per["Action"]); print("STATUS", per["Status"]); print("DIAG", per["Diagnostic-Code"])
        print("RETURNED", parts[2].get_content_type())
        """;

    private static string P(IPEndPoint e) => e.Port.ToString(CultureInfo.InvariantCulture);

    private static Task<TestMailServer> StartSenderAsync(Dnsmasq dns, int remotePort) =>
        TestMailServer.StartAsync(configure: b =>
        {
            var options = new DnsResolverOptions();
            options.Servers.Add(dns.EndPoint);
            b.UseDnsResolver(new DnsClientResolver(options)).AddOutboundDelivery(o =>
            {
                o.RemotePort = remotePort;
                o.RetrySchedule.Clear();
                o.RetrySchedule.Add(TimeSpan.FromMilliseconds(300));
            });
        });

    [Fact]
    public async Task Smtplib_submits_dnsmasq_routes_b_delivers_retries_and_imaplib_reads_the_bounce()
    {
        await using var dns = await Dnsmasq.StartAsync("--mx-host=b.test,mx.b.test,10", "--host-record=mx.b.test,127.0.0.2");
        var port = RemoteReceiver.FreePort(); // B is down at first
        await using var a = await StartSenderAsync(dns, port);

        var sent = await ExternalTool.PythonAsync(Submit, P(a.Submission), "someone@b.test,nobody@b.test");
        Assert.True(sent.ExitCode == 0, sent.ToString());
        var queue = a.Server.GetOutboundQueue();
        using (var events = new QueueEvents(queue))
        {
            await events.UntilAsync(() => (queue.List().FirstOrDefault()?.Attempts ?? 0) >= 2);
        }

        Assert.True(Assert.Single(queue.List()).Attempts >= 2);

        await using var b2 = await RemoteReceiver.StartAsync(port);
        Assert.True(await queue.WaitUntilEmptyAsync(TimeSpan.FromSeconds(15)));
        Assert.Equal(1, await b2.CountAsync());

        var read = await ExternalTool.PythonAsync(ReadBounce, P(a.Imap));
        Assert.True(read.ExitCode == 0, read.ToString());
        Assert.Contains("FINAL rfc822; nobody@b.test", read.Stdout, StringComparison.Ordinal);
        Assert.Contains("ACTION failed", read.Stdout, StringComparison.Ordinal);
        Assert.Contains("STATUS 5.1.1", read.Stdout, StringComparison.Ordinal);
        Assert.Contains("DIAG smtp; 550 5.1.1", read.Stdout, StringComparison.Ordinal);
        Assert.Contains("RETURNED message/rfc822", read.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Postfix_as_the_remote_takes_our_mail_into_its_mailbox()
    {
        var uid = (await ExternalTool.RunAsync("id", ["-u", "vmail"])).Stdout.Trim();
        await using var postfix = await PrivatePostfix.StartAsync(RemoteAddress, "");
        await File.AppendAllTextAsync(Path.Combine(postfix.Root, "etc", "main.cf"), $"""

            myhostname = mx.b.test
            virtual_mailbox_domains = b.test
            virtual_mailbox_base = {postfix.Root}/mail
            virtual_mailbox_maps = static:inbox/
            virtual_minimum_uid = 1
            virtual_uid_maps = static:{uid}
            virtual_gid_maps = static:{uid}
            """);
        await ExternalTool.RunAsync("chown", ["vmail", Path.Combine(postfix.Root, "mail")]);
        await ExternalTool.RunAsync("postfix", ["-c", Path.Combine(postfix.Root, "etc"), "reload"]);
        await using var dns = await Dnsmasq.StartAsync("--mx-host=b.test,mx.b.test,10", "--host-record=mx.b.test,127.0.0.2");
        await using var a = await StartSenderAsync(dns, postfix.EndPoint.Port);
        var sent = await ExternalTool.PythonAsync(Submit, P(a.Submission), "someone@b.test");
        Assert.True(sent.ExitCode == 0, sent.ToString());
        Assert.True(await a.Server.GetOutboundQueue().WaitUntilEmptyAsync(TimeSpan.FromSeconds(20)), postfix.Log);

        var newDir = Path.Combine(postfix.Root, "mail", "inbox", "new");
        await FileArrival.WaitUntilAsync(postfix.Root, () => Directory.Exists(newDir) && Directory.GetFiles(newDir).Length > 0, TimeSpan.FromSeconds(20));

        var file = Assert.Single(Directory.GetFiles(newDir));
        var text = await File.ReadAllTextAsync(file);
        Assert.Contains("Subject: outbound test", text, StringComparison.Ordinal);
        Assert.Contains("from mx.example.test", text, StringComparison.Ordinal); // Postfix's Received: names our EHLO
        Assert.True(await postfix.WaitForLogAsync("status=sent", TimeSpan.FromSeconds(20)), postfix.Log);
    }

    [Fact]
    public async Task Postfix_relays_into_us()
    {
        await using var server = await TestMailServer.StartAsync();
        await using var postfix = await PrivatePostfix.StartAsync(IPAddress.Loopback, $"""
            myhostname = relay.postfix.test
            relayhost = [127.0.0.1]:{server.Smtp.Port}
            """);
        var sent = await ExternalTool.PythonAsync("""
            import smtplib, sys
            with smtplib.SMTP("127.0.0.1", int(sys.argv[1])) as s:
                s.sendmail("sender@postfix.test", ["alice@example.test"], b"From: sender@postfix.test\r\nSubject: via postfix\r\n\r\nrelayed by postfix\r\n")
            print("ok")
            """, P(postfix.EndPoint));
        Assert.True(sent.ExitCode == 0, sent.ToString());
        var inbox = await server.WaitForInboxAsync("alice@example.test", 1);
        var text = System.Text.Encoding.UTF8.GetString(Assert.Single(inbox));
        Assert.Contains("relayed by postfix", text, StringComparison.Ordinal);
        Assert.Contains("Return-Path: <sender@postfix.test>", text, StringComparison.Ordinal);
        Assert.Contains("relay.postfix.test", text, StringComparison.Ordinal);
    }
}
