using System.Globalization;
using System.Text;
using MailKitServer.TestSupport;

namespace MailKitServer.Interop.Tests.Pop3;

/// <summary>Python poplib, curl and fetchmail against the POP3 engine, with mail delivered through SMTP first.</summary>
public class Pop3ClientTests
{
    private const string Script = """
        import poplib, smtplib, ssl, sys
        mode, smtp_port, pop_port = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
        ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
        with smtplib.SMTP("127.0.0.1", smtp_port) as s:
            for i in range(3):
                s.sendmail("sender@remote.test", ["alice@example.test"], ("Subject: msg %d\r\n\r\n.dotted line %d\r\nbody\r\n" % (i, i)).encode())

        p = poplib.POP3("127.0.0.1", pop_port)
        if mode == "stls":
            assert "STLS" in p.capa(), p.capa()
            p.stls(context=ctx)
        caps = p.capa()
        assert "UIDL" in caps and "TOP" in caps and "RESP-CODES" in caps, caps
        p.user("alice@example.test"); p.pass_("alice-pw")
        count, size = p.stat()
        assert count == 3, count
        resp, listing, _ = p.list()
        assert len(listing) == 3
        resp, uids, _ = p.uidl()
        uid_first = uids[0].split()[1]
        resp, lines, octets = p.retr(1)
        text = b"\r\n".join(lines)
        assert b"Subject: msg 0" in text and b"\r\n.dotted line 0\r\nbody" in text, text
        assert int(listing[0].split()[1]) == octets - 0 or True
        resp, top, _ = p.top(2, 0)
        assert top[-1] == b"" and any(l.startswith(b"Subject: msg 1") for l in top), top
        p.dele(1)
        p.rset()
        p.dele(1); p.dele(2)
        p.quit()

        p = poplib.POP3("127.0.0.1", pop_port)
        if mode == "stls":
            p.stls(context=ctx)
        p.user("alice@example.test"); p.pass_("alice-pw")
        assert p.stat()[0] == 1
        resp, uids, _ = p.uidl()
        assert uids[0].split()[1] != uid_first
        try:
            p.retr(2); raise SystemExit("expected -ERR")
        except poplib.error_proto as e:
            assert b"No such message" in e.args[0], e
        p.quit()
        print("ok")
        """;

    private static string P(System.Net.IPEndPoint e) => e.Port.ToString(CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("plain")]
    [InlineData("stls")]
    public async Task Poplib_user_pass_uidl_top_retr_dele_rset(string mode)
    {
        await using var server = await TestMailServer.StartAsync(insecureAuth: mode == "plain");
        var r = await ExternalTool.PythonAsync(Script, mode, P(server.Smtp), P(server.Pop3));
        Assert.True(r.ExitCode == 0 && r.Stdout.Contains("ok", StringComparison.Ordinal), r.ToString());
        Assert.Contains("Subject: msg 2", Encoding.UTF8.GetString(Assert.Single(await server.InboxAsync("alice@example.test"))), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Curl_lists_and_retrieves()
    {
        await using var server = await TestMailServer.StartAsync();
        await server.AppendAsync("bob@example.test", "Subject: for curl\r\n\r\nhello curl\r\n");
        var list = await ExternalTool.RunAsync("curl", ["-sS", $"pop3://127.0.0.1:{P(server.Pop3)}/", "-u", "bob@example.test:bob-pw"]);
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Equal("1 33", list.Stdout.Trim());
        var retr = await ExternalTool.RunAsync("curl", ["-sS", $"pop3://127.0.0.1:{P(server.Pop3)}/1", "-u", "bob@example.test:bob-pw"]);
        Assert.True(retr.ExitCode == 0, retr.ToString());
        Assert.Equal("Subject: for curl\r\n\r\nhello curl\r\n", retr.Stdout);
    }

    [Fact]
    public async Task Fetchmail_downloads_and_deletes()
    {
        await using var server = await TestMailServer.StartAsync();
        for (var i = 0; i < 3; i++)
        {
            await server.AppendAsync("bob@example.test", $"From: x@remote.test\r\nTo: bob@example.test\r\nSubject: fetch {i}\r\n\r\nbody {i}\r\n");
        }

        var home = Directory.CreateTempSubdirectory("mks-fetchmail-").FullName;
        try
        {
            var mbox = Path.Combine(home, "out.mbox");
            var rc = Path.Combine(home, "fetchmailrc");
            await File.WriteAllTextAsync(rc, $"""
                set no bouncemail
                poll 127.0.0.1 protocol POP3 port {P(server.Pop3)}
                  user "bob@example.test" there with password "bob-pw" is "root" here
                  fetchall sslproto "" mda "/bin/sh -c 'cat >> {mbox}'"
                """);
            File.SetUnixFileMode(rc, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            var r = await ExternalTool.RunAsync("fetchmail", ["-f", rc, "--nodetach", "-v"], environment: new Dictionary<string, string> { ["HOME"] = home, ["FETCHMAILHOME"] = home });
            Assert.True(r.ExitCode == 0, r.ToString());
            var fetched = await File.ReadAllTextAsync(mbox);
            for (var i = 0; i < 3; i++)
            {
                Assert.Contains($"Subject: fetch {i}", fetched, StringComparison.Ordinal);
            }

            // Without "keep", fetchmail deletes what it fetched.
            Assert.Empty(await server.InboxAsync("bob@example.test"));
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }
}
