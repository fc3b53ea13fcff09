using System.Globalization;
using MailKit;
using MailKit.Net.Imap;
using MailKitServer.TestSupport;

namespace MailKitServer.Interop.Tests.Host;

/// <summary>
/// The host's <c>--milter</c> option, given twice: a Python milter (Debian's python3-milter) that adds a header naming
/// the listener it was told of, and a filter that is down with <c>default=accept</c>; swaks sends, MailKit's ImapClient
/// finds the header in the stored message.
/// </summary>
public class HostMilterTests
{
    private const string Filter = """
        import sys, Milter
        class Stamp(Milter.Base):
            def connect(self, host, family, hostaddr):
                self.daemon = self.getsymval("{daemon_name}")
                return Milter.CONTINUE
            def envrcpt(self, recipient, *params):
                self.rcpt = self.getsymval("{rcpt_addr}")
                return Milter.CONTINUE
            def eom(self):
                self.addheader("X-Filtered", "by %s for %s" % (self.daemon, self.rcpt))
                return Milter.CONTINUE
        Milter.factory = Stamp
        Milter.set_flags(Milter.ADDHDRS)
        Milter.runmilter("mks-host", "inet:%s@127.0.0.1" % sys.argv[1], 30)
        """;

    [Fact]
    public async Task Milters_given_on_the_command_line_filter_mail_in_order_and_a_dead_one_with_default_accept_is_skipped()
    {
        await using var milter = await PythonMilter.StartAsync(Filter);
        var dead = LoopbackProcess.FreePort();
        await using var host = await HostProcess.StartAsync(
            "--store", "memory", "--smtp-port", "0", "--submission-port", "-1", "--smtps-port", "-1",
            "--pop3-port", "-1", "--pop3s-port", "-1", "--imap-port", "0", "--imaps-port", "-1",
            "--domain", "example.test", "--user", "bob@example.test:bob-pw",
            "--milter", $"inet:127.0.0.1:{dead.ToString(CultureInfo.InvariantCulture)},timeout=5s,default=accept",
            "--milter", $"inet:127.0.0.1:{milter.EndPoint.Port.ToString(CultureInfo.InvariantCulture)},default=tempfail");

        var sent = await ExternalTool.RunAsync("swaks",
        [
            "--server", "127.0.0.1", "--port", host.Listeners["smtp"].Port.ToString(CultureInfo.InvariantCulture),
            "--from", "alice@sender.test", "--to", "bob@example.test", "--header", "Subject: filtered by the host",
        ]);
        Assert.True(sent.ExitCode == 0, sent.ToString());

        using var imap = new ImapClient();
        await imap.ConnectAsync("127.0.0.1", host.Listeners["imap"].Port, MailKit.Security.SecureSocketOptions.None);
        await imap.AuthenticateAsync("bob@example.test", "bob-pw");
        await imap.Inbox.OpenAsync(FolderAccess.ReadOnly);
        var message = await imap.Inbox.GetMessageAsync(0);
        Assert.Equal("filtered by the host", message.Subject);
        Assert.Equal("by smtp for bob@example.test", message.Headers["X-Filtered"]);
        await imap.DisconnectAsync(true);
        Assert.Equal(0, await host.TerminateAsync());
    }
}
