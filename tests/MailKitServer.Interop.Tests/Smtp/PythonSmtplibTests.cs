using System.Text;
using MailKitServer.TestSupport;

namespace MailKitServer.Interop.Tests.Smtp;

/// <summary>Python's standard smtplib against the in-process server.</summary>
public class PythonSmtplibTests
{
    private const string Script = """
        import smtplib, ssl, sys
        from email.message import EmailMessage
        mode, port = sys.argv[1], int(sys.argv[2])
        ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE

        def msg(subject, to="alice@example.test", sender="bob@example.test", body="Hello from smtplib\n"):
            m = EmailMessage(); m["From"] = sender; m["To"] = to; m["Subject"] = subject; m.set_content(body); return m

        if mode == "plain":
            with smtplib.SMTP("127.0.0.1", port) as s:
                code, caps = s.ehlo("py.test")
                assert code == 250 and s.has_extn("pipelining") and s.has_extn("size"), caps
                refused = s.sendmail("bob@remote.test", ["alice@example.test"], b"Subject: raw\r\n\r\nexact bytes\r\n.dot\r\n")
                assert refused == {}, refused
                try:
                    s.sendmail("bob@remote.test", ["nobody@example.test"], b"Subject: x\r\n\r\ny\r\n")
                    raise SystemExit("expected refusal")
                except smtplib.SMTPRecipientsRefused as e:
                    assert e.recipients["nobody@example.test"][0] == 550, e.recipients
        elif mode.startswith("auth-"):
            mech = mode[5:]
            with smtplib.SMTP("127.0.0.1", port) as s:
                s.ehlo("py.test"); s.starttls(context=ctx); s.ehlo("py.test")
                assert s.sock.version().startswith("TLS"), s.sock.version()
                s.user, s.password = "bob@example.test", "bob-pw"
                code, resp = s.auth(mech, getattr(s, "auth_" + mech.lower().replace("-", "_")))
                assert code == 235, (code, resp)
                s.send_message(msg("auth " + mech))
        elif mode == "wrong-password":
            with smtplib.SMTP("127.0.0.1", port) as s:
                s.starttls(context=ctx)
                try:
                    s.login("bob@example.test", "nope"); raise SystemExit("expected failure")
                except smtplib.SMTPAuthenticationError as e:
                    assert e.smtp_code == 535, e
        elif mode == "smtps":
            with smtplib.SMTP_SSL("127.0.0.1", port, context=ctx) as s:
                s.login("bob@example.test", "bob-pw")
                s.send_message(msg("implicit tls"))
        elif mode == "utf8":
            with smtplib.SMTP("127.0.0.1", port) as s:
                s.ehlo("py.test")
                assert s.has_extn("smtputf8")
                s.send_message(msg("Grüße from Zürich ✉", to="alice@example.test", sender="jöran@remote.test", body="Ünïcödé body ✓\n"))
        elif mode == "many":
            with smtplib.SMTP("127.0.0.1", port) as s:
                for i in range(50):
                    s.sendmail("bob@remote.test", ["alice@example.test", "bob@example.test"], ("Subject: n%d\r\n\r\nbody %d\r\n" % (i, i)).encode())
        print("ok")
        """;

    private static async Task RunAsync(string mode, int port)
    {
        var result = await ExternalTool.PythonAsync(Script, mode, port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(result.ExitCode == 0 && result.Stdout.Contains("ok", StringComparison.Ordinal), result.ToString());
    }

    [Fact]
    public async Task Plain_sendmail_is_stored_byte_for_byte_and_unknown_users_are_refused()
    {
        await using var server = await TestMailServer.StartAsync();
        await RunAsync("plain", server.Smtp.Port);
        var stored = Encoding.UTF8.GetString(Assert.Single(await server.InboxAsync("alice@example.test")));
        Assert.EndsWith("\r\nSubject: raw\r\n\r\nexact bytes\r\n.dot\r\n", stored, StringComparison.Ordinal);
        Assert.StartsWith("Return-Path: <bob@remote.test>\r\nReceived: from py.test ", stored, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("PLAIN")]
    [InlineData("LOGIN")]
    [InlineData("CRAM-MD5")]
    public async Task Starttls_then_auth_then_send(string mechanism)
    {
        await using var server = await TestMailServer.StartAsync(insecureAuth: false);
        await RunAsync("auth-" + mechanism, server.Submission.Port);
        var stored = Encoding.UTF8.GetString(Assert.Single(await server.InboxAsync("alice@example.test")));
        Assert.Contains("Subject: auth " + mechanism, stored, StringComparison.Ordinal);
        Assert.Contains("with ESMTPSA", stored, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_password_gets_535()
    {
        await using var server = await TestMailServer.StartAsync();
        await RunAsync("wrong-password", server.Submission.Port);
    }

    [Fact]
    public async Task Implicit_tls_on_the_smtps_listener()
    {
        await using var server = await TestMailServer.StartAsync(insecureAuth: false);
        await RunAsync("smtps", server.Smtps.Port);
        Assert.Contains("Subject: implicit tls", Encoding.UTF8.GetString(Assert.Single(await server.InboxAsync("alice@example.test"))), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Smtputf8_send_message()
    {
        await using var server = await TestMailServer.StartAsync();
        await RunAsync("utf8", server.Smtp.Port);
        var stored = Encoding.UTF8.GetString(Assert.Single(await server.InboxAsync("alice@example.test")));
        Assert.Contains("Return-Path: <jöran@remote.test>", stored, StringComparison.Ordinal);
        Assert.Contains("Subject: Grüße from Zürich ✉", stored, StringComparison.Ordinal);
        Assert.Contains("with UTF8SMTP", stored, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fifty_messages_on_one_connection_reach_both_recipients()
    {
        await using var server = await TestMailServer.StartAsync();
        await RunAsync("many", server.Smtp.Port);
        Assert.Equal(50, (await server.InboxAsync("alice@example.test")).Count);
        Assert.Equal(50, (await server.InboxAsync("bob@example.test")).Count);
    }
}
