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

    [Fact]
    public async Task Greylist_keeps_its_triplets_beside_the_Maildir_and_rate_limit_counts_an_authenticated_user()
    {
        var root = Directory.CreateTempSubdirectory("mks-host-screening-").FullName;
        try
        {
            await using var host = await HostProcess.StartAsync(
                "--store", $"maildir:{root}", "--smtp-port", "0", "--submission-port", "0", "--smtps-port", "-1",
                "--pop3-port", "-1", "--pop3s-port", "-1", "--imap-port", "-1", "--imaps-port", "-1", "--managesieve-port", "-1", "--http-port", "-1", "--insecure-auth",
                "--domain", "corp.test", "--user", "carol@corp.test:carol-pw", "--greylist", "5m", "--rate-limit", "user:messages=2/1h");
            Assert.Contains($"greylist {Path.Combine(root, ".greylist")}", host.Output);

            var greylisted = await ExternalTool.RunAsync("swaks", ["--server", "127.0.0.1", "--port", host.Listeners["smtp"].Port.ToString(CultureInfo.InvariantCulture), "--from", "a@x.test", "--to", "carol@corp.test"]);
            Assert.Contains("<** 451 4.7.1 Greylisted, please try again in 300 seconds", greylisted.Stdout, StringComparison.Ordinal);
            Assert.Contains("a@x.test carol@corp.test", await File.ReadAllTextAsync(Path.Combine(root, ".greylist")), StringComparison.Ordinal);

            var replies = new List<string>();
            for (var i = 0; i < 3; i++)
            {
                var sent = await ExternalTool.RunAsync("swaks",
                [
                    "--server", "127.0.0.1", "--port", host.Listeners["submission"].Port.ToString(CultureInfo.InvariantCulture),
                    "--auth", "PLAIN", "--auth-user", "carol@corp.test", "--auth-password", "carol-pw", "--from", "carol@corp.test", "--to", "carol@corp.test",
                ]);
                replies.Add(sent.ExitCode == 0 ? "sent" : sent.Stdout);
            }

            Assert.Equal(["sent", "sent"], replies.Take(2));
            Assert.Contains("<** 451 4.7.1 Rate limit exceeded: at most 2 messages per 1h from carol@corp.test", replies[2], StringComparison.Ordinal);
            Assert.Equal(0, await host.TerminateAsync());
        }
        finally
        {
            TempDirectories.Delete(root);
        }
    }

    [Theory]
    [InlineData("--dnsbl", "bl..test")]
    [InlineData("--greylist", "soon")]
    [InlineData("--rate-limit", "messages=5")]
    [InlineData("--rate-limit", "server:messages=5/1h")]
    [InlineData("--rate-limit", "recipients-per-message=0")]
    [InlineData("--dnswl", "wl.test=127.0.0.x")]
    public async Task A_bad_list_is_refused_with_a_message_naming_the_option(string option, string value)
    {
        var run = await ExternalTool.RunAsync("dotnet", [HostProcess.HostDll, "--store", "memory", option, value]);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"error: {option}:", run.Stderr, StringComparison.Ordinal);
    }
}
