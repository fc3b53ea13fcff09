using System.Globalization;
using System.Text;
using MailKitServer.TestSupport;

namespace MailKitServer.Interop.Tests.Imap;

/// <summary>Python's imaplib through the IMAP commands, with mail delivered through SMTP first.</summary>
public class PythonImaplibTests
{
    private const string Script = """
        import imaplib, smtplib, ssl, sys, re, threading, time
        mode, smtp_port, imap_port = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
        ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
        with smtplib.SMTP("127.0.0.1", smtp_port) as s:
            s.sendmail("sender@remote.test", ["alice@example.test"], "From: Sender <sender@remote.test>\r\nTo: alice@example.test\r\nSubject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nDas Wetter ist sch=C3=B6n.\r\n--b\r\nContent-Type: application/octet-stream; name=a.bin\r\nContent-Transfer-Encoding: base64\r\n\r\nAAECAw==\r\n--b--\r\n".encode())
            s.sendmail("other@remote.test", ["alice@example.test"], b"From: other@remote.test\r\nSubject: second\r\n\r\nplain body\r\n")

        if mode == "tls":
            m = imaplib.IMAP4_SSL("127.0.0.1", imap_port, ssl_context=ctx)
        elif mode == "starttls":
            m = imaplib.IMAP4("127.0.0.1", imap_port); m.starttls(ssl_context=ctx)
        else:
            m = imaplib.IMAP4("127.0.0.1", imap_port)
        m.login("alice@example.test", "alice-pw")
        typ, data = m.list()
        names = [re.search(rb'"([^"]+)"$', l).group(1) for l in data]
        assert b"INBOX" in names and b"Sent" in names, names
        assert any(b"\\Sent" in l for l in data), data
        typ, data = m.select("INBOX"); assert data[0] == b"2", data
        typ, data = m.search("UTF-8", "SUBJECT", "Grüße".encode()); assert data[0] == b"1", data
        typ, data = m.search("UTF-8", "BODY", "schön".encode()); assert data[0] == b"1", data
        typ, data = m.search(None, "FROM", "other"); assert data[0] == b"2", data
        typ, data = m.search(None, "OR", "SEEN", "LARGER", "100"); assert data[0] == b"1 2", data
        typ, data = m.uid("SEARCH", None, "ALL"); uids = data[0].split(); assert len(uids) == 2, data
        typ, data = m.fetch("1", "(BODYSTRUCTURE ENVELOPE)")
        assert b'"mixed"' in data[0] and b'"a.bin"' in data[0], data
        typ, data = m.fetch("1", "(BODY.PEEK[1] BODY.PEEK[2.MIME] BODY.PEEK[]<0.4>)")
        raw = b"".join(x if isinstance(x, bytes) else x[0] + x[1] for x in data)
        assert b"Das Wetter ist sch=C3=B6n." in raw and b"name=a.bin" in raw and b"<0> {4}" in raw, raw
        typ, data = m.fetch("1", "(FLAGS)"); assert b"\\Seen" not in data[0], data
        typ, data = m.fetch("2", "(RFC822)"); assert data[0][1].endswith(b"plain body\r\n"), data
        typ, data = m.fetch("2", "(FLAGS)"); assert b"\\Seen" in data[0], data
        typ, data = m.store("1", "+FLAGS", "(\\Flagged $Important)"); assert b"$Important" in data[0], data
        typ, data = m.uid("COPY", uids[0], "Archive"); assert typ == "OK", (typ, data)
        typ, data = m.uid("MOVE", uids[1], "Trash") if "MOVE" in m.capabilities else ("NO", None); assert typ == "OK", data
        typ, data = m.select("INBOX"); assert data[0] == b"1", data
        typ, data = m.create("Projects/2026"); assert typ == "OK"
        typ, data = m.rename("Projects", "Work"); assert typ == "OK"
        typ, data = m.list('""', "Work/*"); assert b"Work/2026" in data[0], data
        typ, data = m.status("Archive", "(MESSAGES UNSEEN UIDNEXT)"); assert b"MESSAGES 1" in data[0], data
        typ, data = m.append("Drafts", "(\\Draft)", imaplib.Time2Internaldate(time.time()), b"Subject: draft\r\n\r\ndraft body\r\n"); assert b"APPENDUID" in data[0], data
        m.store("1", "+FLAGS", "(\\Deleted)")
        typ, data = m.expunge(); assert data[0] == b"1", data
        typ, data = m.select("Drafts", readonly=True); assert data[0] == b"1"
        typ, data = m.store("1", "+FLAGS", "(\\Seen)"); assert typ == "NO", (typ, data)
        m.logout()
        print("ok")
        """;

    private static string P(System.Net.IPEndPoint e) => e.Port.ToString(CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("plain")]
    [InlineData("starttls")]
    [InlineData("tls")]
    public async Task Imaplib_reads_searches_flags_copies_moves_and_appends(string mode)
    {
        await using var server = await TestMailServer.StartAsync(insecureAuth: mode == "plain");
        var r = await ExternalTool.PythonAsync(Script, mode, P(server.Smtp), P(mode == "tls" ? server.Imaps : server.Imap));
        Assert.True(r.ExitCode == 0 && r.Stdout.Contains("ok", StringComparison.Ordinal), r.ToString());
        Assert.Single(await server.InboxAsync("alice@example.test", "Trash"));
        Assert.Contains("draft body", Encoding.UTF8.GetString(Assert.Single(await server.InboxAsync("alice@example.test", "Drafts"))), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Curl_lists_searches_fetches_and_appends()
    {
        await using var server = await TestMailServer.StartAsync();
        await server.AppendAsync("bob@example.test", "Subject: for curl\r\n\r\nhello imap curl\r\n");
        var url = $"imap://127.0.0.1:{P(server.Imap)}";
        var list = await ExternalTool.RunAsync("curl", ["-sS", url + "/", "-u", "bob@example.test:bob-pw"]);
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Contains("\"INBOX\"", list.Stdout, StringComparison.Ordinal);
        var search = await ExternalTool.RunAsync("curl", ["-sS", url + "/INBOX", "-u", "bob@example.test:bob-pw", "-X", "UID SEARCH ALL"]);
        Assert.Contains("* SEARCH 1", search.Stdout, StringComparison.Ordinal);
        var fetch = await ExternalTool.RunAsync("curl", ["-sS", url + "/INBOX;UID=1", "-u", "bob@example.test:bob-pw"]);
        Assert.Equal("Subject: for curl\r\n\r\nhello imap curl\r\n", fetch.Stdout);
        var file = Path.GetTempFileName();
        await File.WriteAllTextAsync(file, "Subject: appended by curl\r\n\r\nbody\r\n");
        try
        {
            var append = await ExternalTool.RunAsync("curl", ["-sS", url + "/Sent", "-u", "bob@example.test:bob-pw", "-T", file]);
            Assert.True(append.ExitCode == 0, append.ToString());
        }
        finally
        {
            File.Delete(file);
        }

        Assert.Contains("appended by curl", Encoding.UTF8.GetString(Assert.Single(await server.InboxAsync("bob@example.test", "Sent"))), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Imaplib_enables_UTF8_ACCEPT_and_IMAP4rev2()
    {
        await using var server = await TestMailServer.StartAsync();
        await server.AppendAsync("alice@example.test", "Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=\r\n\r\nbody\r\n");
        await server.AppendAsync("alice@example.test", "Subject: other\r\n\r\nbody\r\n");
        var r = await ExternalTool.PythonAsync(Rev2Script, P(server.Imap));
        Assert.True(r.ExitCode == 0 && r.Stdout.Contains("ok", StringComparison.Ordinal), r.ToString());
        Assert.Empty(await server.InboxAsync("alice@example.test", "Küche/Töpfe"));
    }

    private const string Rev2Script = """
        import imaplib, sys
        m = imaplib.IMAP4("127.0.0.1", int(sys.argv[1]))
        assert "IMAP4REV2" in m.capabilities and "UTF8=ACCEPT" in m.capabilities, m.capabilities
        m.login("alice@example.test", "alice-pw")
        typ, data = m.enable("UTF8=ACCEPT"); assert typ == "OK" and m.utf8_enabled, (typ, data)
        typ, data = m.enable("IMAP4rev2"); assert typ == "OK", (typ, data)
        typ, data = m.create('"Küche/Töpfe"'); assert typ == "OK", (typ, data)
        typ, data = m.list('""', '"Küche/*"'); assert data == ['(\\HasNoChildren) "/" "Küche/Töpfe"'.encode()], data
        typ, data = m.select('"Küche/Töpfe"'); assert typ == "OK" and data[0] == b"0", (typ, data)
        assert m.untagged_responses.get("LIST"), m.untagged_responses
        typ, data = m.select("INBOX"); assert data[0] == b"2", data
        typ, data = m.search(None, "SUBJECT", '"Grüße"')
        esearch = m.untagged_responses.pop("ESEARCH", None)
        assert typ == "OK" and esearch and esearch[0].endswith(b") ALL 1"), (typ, data, esearch)
        m.logout()
        print("ok")
        """;
}
