using System.Globalization;
using MailKitServer.Smtp.SenderAuth;
using MailKitServer.TestSupport;

namespace MailKitServer.Smtp.Tests.SenderAuth;

/// <summary>
/// DMARC dispositions end to end (RFC 7489 §6.3, §6.6): dnsmasq publishes p=reject, p=quarantine and p=none for
/// three author domains whose SPF fails for 127.0.0.2; swaks sends from there. Reject gets 550 5.7.1; quarantine is
/// delivered to the recipient's Junk mailbox, where Python's imaplib finds it (and INBOX stays empty); none is
/// delivered to INBOX with dmarc=fail recorded. A subdomain without a record of its own takes the organizational
/// domain's sp= (the Public Suffix List's default rule, .test being no listed suffix).
/// </summary>
public class InboundDmarcTests
{
    private const string ReadMailboxes = """
        import imaplib, sys
        m = imaplib.IMAP4("127.0.0.1", int(sys.argv[1]))
        m.login("bob@example.test", "bob-pw")
        for box in ("INBOX", "Junk"):
            typ, data = m.select(box, readonly=True)
            assert typ == "OK", (box, typ, data)
            count = int(data[0])
            print(box, count)
            if count:
                typ, data = m.fetch("1", "(BODY.PEEK[HEADER.FIELDS (FROM)])")
                print(box, "FROM", data[0][1].decode().strip())
        m.logout()
        """;

    [Fact]
    public async Task Reject_is_refused_quarantine_lands_in_Junk_seen_over_IMAP_and_none_is_delivered_with_the_failure_recorded()
    {
        await using var dns = await Dnsmasq.StartAsync(
            "--txt-record=reject.test,v=spf1 -all", "--txt-record=_dmarc.reject.test,v=DMARC1; p=reject; sp=quarantine",
            "--txt-record=quarantine.test,v=spf1 -all", "--txt-record=_dmarc.quarantine.test,v=DMARC1; p=quarantine",
            "--txt-record=none.test,v=spf1 -all", "--txt-record=_dmarc.none.test,v=DMARC1; p=none",
            "--txt-record=sub.reject.test,v=spf1 -all");
        await using var server = await InboundSpfTests.StartAsync(dns.EndPoint, DmarcAction.Reject);

        async Task<ExternalTool.Result> Send(string domain) => await ExternalTool.RunAsync("swaks",
        [
            "--server", "127.0.0.1", "--port", server.Smtp.Port.ToString(CultureInfo.InvariantCulture), "--local-interface", "127.0.0.2",
            "--ehlo", "mail." + domain, "--from", "alice@" + domain, "--to", "bob@example.test", "--header", $"From: alice@{domain}",
        ]);

        var rejected = await Send("reject.test");
        Assert.NotEqual(0, rejected.ExitCode);
        Assert.Contains("550 5.7.1", rejected.Stdout, StringComparison.Ordinal);

        var quarantined = await Send("quarantine.test");
        Assert.True(quarantined.ExitCode == 0, quarantined.ToString());
        var imap = await ExternalTool.PythonAsync(ReadMailboxes, server.Imap.Port.ToString(CultureInfo.InvariantCulture));
        Assert.True(imap.ExitCode == 0, imap.ToString());
        Assert.Contains("INBOX 0", imap.Stdout, StringComparison.Ordinal);
        Assert.Contains("Junk 1", imap.Stdout, StringComparison.Ordinal);
        Assert.Contains("Junk FROM From: alice@quarantine.test", imap.Stdout, StringComparison.Ordinal);
        var junk = Assert.Single(await server.InboxAsync("bob@example.test", "Junk"));
        var results = Assert.Single((await AuthResultsReader.ReadAsync(junk)).Fields);
        Assert.Equal("fail", Assert.Single(results.Results, r => r.Name == "dmarc").Result);

        var subdomain = await Send("sub.reject.test");
        Assert.True(subdomain.ExitCode == 0, subdomain.ToString());
        Assert.Equal(2, (await server.InboxAsync("bob@example.test", "Junk")).Count);

        var none = await Send("none.test");
        Assert.True(none.ExitCode == 0, none.ToString());
        var delivered = Assert.Single(await server.WaitForInboxAsync("bob@example.test", 1));
        var recorded = Assert.Single((await AuthResultsReader.ReadAsync(delivered)).Fields);
        Assert.Equal(("fail", "none.test"), (Assert.Single(recorded.Results, r => r.Name == "dmarc").Result, Assert.Single(recorded.Results, r => r.Name == "dmarc").Props["header.from"]));
        Assert.Equal("fail", Assert.Single(recorded.Results, r => r.Name == "spf" && r.Props.ContainsKey("smtp.mailfrom")).Result);
    }
}
