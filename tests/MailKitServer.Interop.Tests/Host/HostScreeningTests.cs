using System.Globalization;
using MailKitServer.TestSupport;

namespace MailKitServer.Interop.Tests.Host;

/// <summary>
/// The host's client screening options with real peers: --dnsbl and --dnswl against lists that dnsmasq answers; swaks
/// from a listed loopback address is refused at RCPT TO, one the allow list names too is taken, and Python's imaplib
/// finds only that one in the mailbox.
/// </summary>
public class HostScreeningTests
{
    [Fact]
    public async Task Dnsbl_refuses_a_listed_client_and_dnswl_lets_a_listed_but_allowed_one_through()
    {
        await using var dns = await Dnsmasq.StartAsync(
            "--host-record=2.0.0.127.bl.test,127.0.0.2", "--host-record=3.0.0.127.bl.test,127.0.0.2", "--host-record=3.0.0.127.wl.test,127.0.0.1");
        await using var host = await HostProcess.StartAsync(
            "--store", "memory", "--smtp-port", "0", "--submission-port", "-1", "--smtps-port", "-1",
            "--pop3-port", "-1", "--pop3s-port", "-1", "--imap-port", "0", "--imaps-port", "-1", "--managesieve-port", "-1", "--http-port", "-1", "--insecure-auth",
            "--domain", "corp.test", "--user", "carol@corp.test:carol-pw", "--dns", $"127.0.0.1:{dns.EndPoint.Port}",
            "--dnsbl", "bl.test=127.0.0.2", "--dnswl", "wl.test=127.0.0.0-127.0.0.255");
        var port = host.Listeners["smtp"].Port.ToString(CultureInfo.InvariantCulture);

        var refused = await ExternalTool.RunAsync("swaks", ["--server", "127.0.0.1", "--port", port, "--local-interface", "127.0.0.2", "--from", "a@x.test", "--to", "carol@corp.test"]);
        Assert.Contains("<** 554 5.7.1 Service unavailable; client [127.0.0.2] blocked using bl.test", refused.Stdout, StringComparison.Ordinal);

        var allowed = await ExternalTool.RunAsync("swaks", ["--server", "127.0.0.1", "--port", port, "--local-interface", "127.0.0.3", "--from", "a@x.test", "--to", "carol@corp.test", "--header", "Subject: allowed"]);
        Assert.True(allowed.ExitCode == 0, allowed.ToString());

        var listed = await ExternalTool.PythonAsync("""
            import sys, imaplib
            m = imaplib.IMAP4("127.0.0.1", int(sys.argv[1]))
            m.login("carol@corp.test", "carol-pw")
            m.select("INBOX")
            typ, data = m.search(None, "ALL")
            print("COUNT", len(data[0].split()))
            typ, data = m.fetch("1", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
            print(data[0][1].decode().strip())
            """, host.Listeners["imap"].Port.ToString(CultureInfo.InvariantCulture));
        Assert.True(listed.ExitCode == 0, listed.ToString());
        Assert.Contains("COUNT 1", listed.Stdout, StringComparison.Ordinal);
        Assert.Contains("Subject: allowed", listed.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, await host.TerminateAsync());
    }

    [Theory]
    [InlineData("--dnsbl", "bl..test")]
    [InlineData("--dnswl", "wl.test=127.0.0.x")]
    public async Task A_bad_list_is_refused_with_a_message_naming_the_option(string option, string value)
    {
        var run = await ExternalTool.RunAsync("dotnet", [HostProcess.HostDll, "--store", "memory", option, value]);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"error: {option}:", run.Stderr, StringComparison.Ordinal);
    }
}
