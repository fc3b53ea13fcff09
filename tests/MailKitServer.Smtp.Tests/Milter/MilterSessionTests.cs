using System.Globalization;
using System.Net;
using MailKit;
using MailKit.Net.Imap;
using MailKitServer.Smtp.Milter;
using MailKitServer.TestSupport;
using MimeKit;
using SmtpClient = MailKit.Net.Smtp.SmtpClient;

namespace MailKitServer.Smtp.Tests.Milter;

/// <summary>
/// Milters in the SMTP session: Python milters on Debian's python3-milter (libmilter) asked at every step while
/// MailKit's SmtpClient sends; their verdicts answer the commands and their changes are in the copy that MailKit's
/// ImapClient reads back. Two filters in order: the second sees what the first added. A filter that is down, hangs or
/// breaks off applies its default action, the session stays in sync, and nothing is stored twice.
/// </summary>
public sealed class MilterSessionTests
{
    // One filter for every case, steered by the sender, the recipients and the Subject; argv[2] is its name.
    private const string Filter = """
        import sys, Milter
        NAME = sys.argv[2]
        class Test(Milter.Base):
            def __init__(self):
                self.subject = ""
                self.saw = []
                self.body_bytes = b""
                self.rcpts = []
            def connect(self, host, family, hostaddr):
                self.client = "%s %s" % (host, hostaddr[0])
                self.j = self.getsymval("j")
                self.daemon = self.getsymval("{daemon_name}")
                self.underscore = self.getsymval("_")
                self.client_addr = self.getsymval("{client_addr}")
                return Milter.CONTINUE
            def hello(self, name):
                self.helo = name
                return Milter.CONTINUE
            def envfrom(self, sender, *params):
                if "tempfail" in sender:
                    return Milter.TEMPFAIL
                self.sender = sender
                self.mail_addr = self.getsymval("{mail_addr}")
                self.rcpts = []
                self.saw = []
                self.subject = ""
                self.body_bytes = b""
                return Milter.CONTINUE
            def envrcpt(self, recipient, *params):
                if "refuse" in recipient:
                    self.setreply("550", "5.7.1", "refused by " + NAME)
                    return Milter.REJECT
                self.rcpts.append("%s=%s" % (recipient, self.getsymval("{rcpt_addr}")))
                return Milter.CONTINUE
            def header(self, name, value):
                self.saw.append(name)
                if name.lower() == "subject":
                    self.subject = value
                return Milter.CONTINUE
            def body(self, chunk):
                self.body_bytes += chunk
                return Milter.CONTINUE
            def eom(self):
                s = self.subject
                if "discard" in s:
                    return Milter.DISCARD
                if "later" in s:
                    self.setreply("451", "4.7.1", "try later, says " + NAME)
                    return Milter.TEMPFAIL
                if "quarantine" in s:
                    self.quarantine("spam, says " + NAME)
                    return Milter.CONTINUE
                if "change" in s and NAME == "first":
                    self.addheader("X-Seen", "%s|%s|%s|%s|%s|%s|%s|%s|%s|%s" % (self.client, self.j, self.daemon, self.underscore, self.client_addr, self.helo, self.sender, self.mail_addr, ",".join(self.rcpts), self.getsymval("i")))
                    self.addheader("X-Top", "inserted", 0)
                    self.chgheader("Subject", 1, "changed by the milter")
                    self.chgheader("X-Remove-Me", 1, "")
                    self.addrcpt("<bob@example.test>")
                    self.delrcpt("<alice@example.test>")
                    self.chgfrom("<bounces@milter.test>")
                    self.replacebody(self.body_bytes.replace(b"spam", b"ham"))
                    return Milter.CONTINUE
                self.addheader("X-Milter-" + NAME, "saw " + ",".join(self.saw))
                return Milter.ACCEPT
        Milter.factory = Test
        Milter.set_flags(Milter.ADDHDRS | Milter.CHGHDRS | Milter.CHGBODY | Milter.ADDRCPT | Milter.DELRCPT | Milter.QUARANTINE | Milter.CHGFROM)
        Milter.runmilter("mks-" + NAME, "inet:%s@127.0.0.1" % sys.argv[1], 30)
        """;

    [Fact]
    public async Task Every_change_a_milter_asks_for_is_in_the_stored_copy_read_over_IMAP()
    {
        await using var milter = await PythonMilter.StartAsync(Filter, "first");
        await using var server = await TestMailServer.StartAsync(o => o.Milters.Add(new MilterOptions(milter.EndPoint)));

        var body = string.Concat(Enumerable.Repeat("spam and eggs\r\n", 6000));
        var reply = await SendAsync(server, "carol@sender.test", ["alice@example.test"], "please change this", body, ("X-Remove-Me", "gone"));

        // Alice was taken off and Bob put on the envelope; the sender changed; every header change and the new body.
        Assert.Empty(await server.InboxAsync("alice@example.test"));
        var message = Assert.Single(await ImapAsync(server, "bob@example.test", "INBOX"));
        Assert.Equal("changed by the milter", message.Subject);
        Assert.Equal(("Return-Path", "X-Top"), (message.Headers[0].Field, message.Headers[1].Field));
        Assert.Null(message.Headers["X-Remove-Me"]);
        Assert.Equal(string.Concat(Enumerable.Repeat("ham and eggs\n", 6000)), message.TextBody);
        var seen = Assert.IsType<string>(message.Headers["X-Seen"]).Split('|');
        Assert.Equal("[127.0.0.1] 127.0.0.1", seen[0]);
        Assert.Equal(["mx.example.test", "smtp", "[127.0.0.1]", "127.0.0.1"], seen[1..5]);
        Assert.NotEmpty(seen[5]); // MailKit's EHLO name: the machine's
        Assert.Equal(["<carol@sender.test>", "carol@sender.test", "<alice@example.test>=alice@example.test"], seen[6..9]);
        Assert.Matches("^[0-9A-F]{12}$", seen[9]);
        var stored = System.Text.Encoding.ASCII.GetString(Assert.Single(await server.InboxAsync("bob@example.test")));
        Assert.StartsWith("Return-Path: <bounces@milter.test>\r\n", stored, StringComparison.Ordinal);
        Assert.EndsWith("\r\n\r\n" + string.Concat(Enumerable.Repeat("ham and eggs\r\n", 6000)), stored, StringComparison.Ordinal);
        Assert.Contains($"queued as {seen[9]}", reply, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_milters_run_in_order_and_the_second_sees_what_the_first_added()
    {
        await using var first = await PythonMilter.StartAsync(Filter, "first");
        await using var second = await PythonMilter.StartAsync(Filter, "second");
        await using var server = await TestMailServer.StartAsync(o =>
        {
            o.Milters.Add(new MilterOptions(first.EndPoint));
            o.Milters.Add(new MilterOptions(second.EndPoint));
        });

        await SendAsync(server, "carol@sender.test", ["bob@example.test"], "hello", "plain\r\n");

        var message = Assert.Single(await ImapAsync(server, "bob@example.test", "INBOX"));
        Assert.DoesNotContain("X-Milter-first", message.Headers["X-Milter-first"] ?? "(none)", StringComparison.Ordinal);
        Assert.Contains("X-Milter-first", message.Headers["X-Milter-second"], StringComparison.Ordinal);
        Assert.Contains("Received", message.Headers["X-Milter-first"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verdicts_answer_their_commands_discard_stores_nothing_and_quarantine_goes_to_Junk()
    {
        await using var milter = await PythonMilter.StartAsync(Filter, "first");
        await using var server = await TestMailServer.StartAsync(o => o.Milters.Add(new MilterOptions(milter.EndPoint)));
        server.Directory.AddUser("refuse@example.test", "x");

        using var client = new SmtpClient();
        await client.ConnectAsync("127.0.0.1", server.Smtp.Port, MailKit.Security.SecureSocketOptions.None);

        // RCPT: the filter's own reply code and text (SMFIR_REPLYCODE); the other recipient is kept.
        var refused = await Assert.ThrowsAsync<MailKit.Net.Smtp.SmtpCommandException>(() => client.SendAsync(Message("carol@sender.test", "hello", "x\r\n"), new MailboxAddress(null, "carol@sender.test"), [new MailboxAddress(null, "refuse@example.test")]));
        Assert.Equal(550, (int)refused.StatusCode);
        Assert.Contains("refused by first", refused.Message, StringComparison.Ordinal);

        // MAIL: TempFail without a reply of its own gets the default 451 4.7.1.
        var later = await Assert.ThrowsAsync<MailKit.Net.Smtp.SmtpCommandException>(() => client.SendAsync(Message("tempfail@sender.test", "hello", "x\r\n"), new MailboxAddress(null, "tempfail@sender.test"), [new MailboxAddress(null, "bob@example.test")]));
        Assert.Equal(451, (int)later.StatusCode);

        // End of message: a 4xx reply code, a discard (250, nothing stored), a quarantine (Junk), then a plain one.
        var eom = await Assert.ThrowsAsync<MailKit.Net.Smtp.SmtpCommandException>(() => client.SendAsync(Message("carol@sender.test", "later please", "x\r\n"), new MailboxAddress(null, "carol@sender.test"), [new MailboxAddress(null, "bob@example.test")]));
        Assert.Equal(451, (int)eom.StatusCode);
        Assert.Contains("try later, says first", eom.Message, StringComparison.Ordinal);
        Assert.Contains("queued as", await client.SendAsync(Message("carol@sender.test", "discard me", "x\r\n")), StringComparison.Ordinal);
        await client.SendAsync(Message("carol@sender.test", "quarantine me", "x\r\n"));
        await client.SendAsync(Message("carol@sender.test", "plain", "x\r\n"));
        await client.DisconnectAsync(true);

        var inbox = Assert.Single(await ImapAsync(server, "bob@example.test", "INBOX"));
        Assert.Equal("plain", inbox.Subject);
        var junk = Assert.Single(await ImapAsync(server, "bob@example.test", "Junk"));
        Assert.Equal("quarantine me", junk.Subject);
    }

    [Theory]
    [InlineData(MilterDefaultAction.TempFail)]
    [InlineData(MilterDefaultAction.Accept)]
    public async Task A_milter_that_is_down_applies_its_default_action(MilterDefaultAction action)
    {
        var nobody = new IPEndPoint(IPAddress.Loopback, LoopbackProcess.FreePort());
        await using var server = await TestMailServer.StartAsync(o => o.Milters.Add(new MilterOptions(nobody) { DefaultAction = action, Timeout = TimeSpan.FromSeconds(5) }));

        using var client = new SmtpClient();
        if (action == MilterDefaultAction.TempFail)
        {
            // Refused for now at the greeting: 421, and the connection is closed.
            var greeting = await Assert.ThrowsAsync<MailKit.Net.Smtp.SmtpCommandException>(() => client.ConnectAsync("127.0.0.1", server.Smtp.Port, MailKit.Security.SecureSocketOptions.None));
            Assert.Equal(421, (int)greeting.StatusCode);
            Assert.Empty(await server.InboxAsync("bob@example.test"));
            return;
        }

        await client.ConnectAsync("127.0.0.1", server.Smtp.Port, MailKit.Security.SecureSocketOptions.None);
        await client.SendAsync(Message("carol@sender.test", "hello", "x\r\n"));
        await client.DisconnectAsync(true);
        Assert.Single(await server.InboxAsync("bob@example.test"));
    }

    private static MimeMessage Message(string from, string subject, string body, params (string Name, string Value)[] headers)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse("bob@example.test"));
        message.Subject = subject;
        foreach (var (name, value) in headers)
        {
            message.Headers.Add(name, value);
        }

        message.Body = new TextPart("plain") { Text = body };
        return message;
    }

    private static async Task<string> SendAsync(TestMailServer server, string from, string[] to, string subject, string body, params (string Name, string Value)[] headers)
    {
        using var client = new SmtpClient();
        await client.ConnectAsync("127.0.0.1", server.Smtp.Port, MailKit.Security.SecureSocketOptions.None);
        var reply = await client.SendAsync(Message(from, subject, body, headers), new MailboxAddress(null, from), to.Select(a => new MailboxAddress(null, a)));
        await client.DisconnectAsync(true);
        return reply;
    }

    /// <summary>Every message of a mailbox, fetched with MailKit's ImapClient.</summary>
    internal static async Task<List<MimeMessage>> ImapAsync(TestMailServer server, string user, string mailbox)
    {
        using var imap = new ImapClient();
        await imap.ConnectAsync("127.0.0.1", server.Imap.Port, MailKit.Security.SecureSocketOptions.None);
        await imap.AuthenticateAsync(user, user[..user.IndexOf('@', StringComparison.Ordinal)] + "-pw");
        var folder = await imap.GetFolderAsync(mailbox);
        await folder.OpenAsync(FolderAccess.ReadOnly);
        var messages = new List<MimeMessage>();
        for (var i = 0; i < folder.Count; i++)
        {
            messages.Add(await folder.GetMessageAsync(i));
        }

        await imap.DisconnectAsync(true);
        return messages;
    }
}
