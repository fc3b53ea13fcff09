using System.Globalization;
using MailKitServer.Storage.InMemory;
using MailKitServer.TestSupport;

namespace MailKitServer.Interop.Tests.Imap;

/// <summary>
/// Messages around and far above the in-memory store's memory-file threshold, sent with Python's smtplib and read back
/// whole, in part and over POP3 with imaplib and poplib: what the store keeps is what was sent, wherever it keeps it.
/// </summary>
public class PythonLargeMessageTests
{
    private const string Script = """
        import imaplib, poplib, smtplib, sys, random
        smtp_port, imap_port, pop_port = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
        sizes = [int(x) for x in sys.argv[4].split(",")]
        random.seed(5)
        sent = []
        for size in sizes:
            lines, n = [], 0
            while n < size:
                line = "".join(random.choice("abcdefghij .,:;XYZ0123") for _ in range(random.randint(0, 90)))
                lines.append(line); n += len(line) + 2
            msg = ("Subject: size %d\r\nFrom: a@remote.test\r\nTo: alice@example.test\r\n\r\n%s\r\n" % (size, "\r\n".join(lines))).encode()
            sent.append(msg)
            with smtplib.SMTP("127.0.0.1", smtp_port) as s:
                s.sendmail("a@remote.test", ["alice@example.test"], msg)
        m = imaplib.IMAP4("127.0.0.1", imap_port); m.login("alice@example.test", "alice-pw"); m.select("INBOX", readonly=True)
        for i, msg in enumerate(sent, 1):
            typ, data = m.fetch(str(i), "(RFC822.SIZE BODY.PEEK[])")
            whole = data[0][1]
            assert whole.endswith(msg), (i, len(whole), len(msg))
            assert ("RFC822.SIZE %d " % len(whole)).encode() in data[0][0], data[0][0]
            start = len(whole) - len(msg) + 1000
            typ, data = m.fetch(str(i), "(BODY.PEEK[]<%d.3000>)" % start)
            assert data[0][1] == whole[start:start + 3000], (i, start)
        m.logout()
        p = poplib.POP3("127.0.0.1", pop_port); p.user("alice@example.test"); p.pass_("alice-pw")
        for i, msg in enumerate(sent, 1):
            lines = p.retr(i)[1]
            assert (b"\r\n".join(lines) + b"\r\n").endswith(msg), i
        p.quit()
        print("ok")
        """;

    private static string P(System.Net.IPEndPoint e) => e.Port.ToString(CultureInfo.InvariantCulture);

    [Fact]
    public async Task Smtplib_imaplib_and_poplib_round_trip_small_threshold_and_one_mebibyte_messages()
    {
        await using var server = await TestMailServer.StartAsync();
        var sizes = string.Join(',', new[] { 100, MessageContent.FileThreshold - 200, MessageContent.FileThreshold, 10_752, 70_000, 1_048_583 });
        var r = await ExternalTool.PythonAsync(Script, P(server.Smtp), P(server.Imap), P(server.Pop3), sizes);
        Assert.True(r.ExitCode == 0 && r.Stdout.Contains("ok", StringComparison.Ordinal), r.ToString());
    }
}
