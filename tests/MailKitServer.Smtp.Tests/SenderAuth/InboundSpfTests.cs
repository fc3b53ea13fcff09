using System.Globalization;
using System.Net;
using System.Text;
using MailKitServer.Dns;
using MailKitServer.Smtp.SenderAuth;
using MailKitServer.TestSupport;

namespace MailKitServer.Smtp.Tests.SenderAuth;

/// <summary>
/// SPF on port 25 end to end: dnsmasq publishes the sender domain's record, swaks sends from four loopback addresses
/// (127.0.0.2 to .5), and the stored message's Authentication-Results field, read by python3-authres, says pass, fail,
/// softfail or neutral. A field forging our authserv-id is removed; one of another server stays.
/// </summary>
public class InboundSpfTests
{
    [Theory]
    [InlineData("127.0.0.2", "pass", "pass")]
    [InlineData("127.0.0.3", "fail", "pass")]
    [InlineData("127.0.0.4", "softfail", "fail")]
    [InlineData("127.0.0.5", "neutral", "fail")]
    public async Task Swaks_from_a_loopback_address_gets_the_SPF_results_of_the_sender_domain_and_HELO_name_in_Authentication_Results(string source, string expected, string expectedHelo)
    {
        await using var dns = await Dnsmasq.StartAsync(
            "--txt-record=spf.test,v=spf1 ip4:127.0.0.2 -ip4:127.0.0.3 ~ip4:127.0.0.4 ?all",
            "--txt-record=mail.spf.test,v=spf1 ip4:127.0.0.0/30 -all");
        await using var server = await StartAsync(dns.EndPoint, DmarcAction.Reject);

        var run = await ExternalTool.RunAsync("swaks",
        [
            "--server", "127.0.0.1", "--port", server.Smtp.Port.ToString(CultureInfo.InvariantCulture), "--local-interface", source,
            "--ehlo", "mail.spf.test", "--from", "alice@spf.test", "--to", "bob@example.test",
            "--header", "Authentication-Results: mx.example.test; spf=pass smtp.mailfrom=spf.test",
            "--header", "X-Original-Authentication-Results: other.test; none",
        ]);
        Assert.True(run.ExitCode == 0, run.ToString());

        var stored = Assert.Single(await server.WaitForInboxAsync("bob@example.test", 1));
        var results = await AuthResultsReader.ReadAsync(stored);

        // RFC 8601 §5: the forged field naming our authserv-id is gone; ours is the only one, above our Received field
        // (§4), under the Return-Path the store adds on final delivery.
        var ours = Assert.Single(results.Fields);
        Assert.Equal(["Return-Path", "Authentication-Results", "Received"], results.FirstFieldNames.Take(3));
        Assert.Equal("mx.example.test", ours.AuthServId);
        var spf = Assert.Single(ours.Results, r => r.Name == "spf" && r.Props.ContainsKey("smtp.mailfrom"));
        Assert.Equal(expected, spf.Result);
        Assert.Equal("spf.test", spf.Props["smtp.mailfrom"]);

        // RFC 8601 §2.7.2: the HELO check is its own spf result with the smtp.helo property.
        var helo = Assert.Single(ours.Results, r => r.Name == "spf" && r.Props.ContainsKey("smtp.helo"));
        Assert.Equal(expectedHelo, helo.Result);
        Assert.Equal("mail.spf.test", helo.Props["smtp.helo"]);
        Assert.Equal(2, ours.Results.Count(r => r.Name == "spf"));
        Assert.Equal("none", Assert.Single(ours.Results, r => r.Name == "dmarc").Result);
        Assert.Contains("X-Original-Authentication-Results: other.test", Encoding.ASCII.GetString(stored), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bounce_from_the_null_sender_gets_one_SPF_result_for_the_HELO_name()
    {
        await using var dns = await Dnsmasq.StartAsync("--txt-record=mail.spf.test,v=spf1 ip4:127.0.0.2 -all");
        await using var server = await StartAsync(dns.EndPoint, DmarcAction.Reject);

        var run = await ExternalTool.RunAsync("swaks",
        [
            "--server", "127.0.0.1", "--port", server.Smtp.Port.ToString(CultureInfo.InvariantCulture), "--local-interface", "127.0.0.2",
            "--ehlo", "mail.spf.test", "--from", "<>", "--to", "bob@example.test",
        ]);
        Assert.True(run.ExitCode == 0, run.ToString());

        // RFC 7208 §2.4: for <> the HELO identity is the one checked; it is not reported twice.
        var ours = Assert.Single((await AuthResultsReader.ReadAsync(Assert.Single(await server.WaitForInboxAsync("bob@example.test", 1)))).Fields);
        var spf = Assert.Single(ours.Results, r => r.Name == "spf");
        Assert.Equal("pass", spf.Result);
        Assert.Equal("mail.spf.test", spf.Props["smtp.helo"]);
    }

    [Fact]
    public async Task DNS_time_outs_give_temperror_recorded_and_with_a_DMARC_action_a_451_so_the_sender_retries()
    {
        // dnsmasq forwards timeout.test to a port where nothing answers: every lookup under it times out.
        await using var dns = await Dnsmasq.StartAsync("--server=/timeout.test/127.0.0.1#9");
        string[] Swaks(TestMailServer s) =>
        [
            "--server", "127.0.0.1", "--port", s.Smtp.Port.ToString(CultureInfo.InvariantCulture), "--local-interface", "127.0.0.2",
            "--ehlo", "mail.spf.test", "--from", "alice@timeout.test", "--to", "bob@example.test",
            "--header", "From: alice@timeout.test",
        ];

        await using (var recording = await StartAsync(dns.EndPoint, DmarcAction.None, TimeSpan.FromMilliseconds(300)))
        {
            var run = await ExternalTool.RunAsync("swaks", Swaks(recording));
            Assert.True(run.ExitCode == 0, run.ToString());
            var stored = Assert.Single(await recording.WaitForInboxAsync("bob@example.test", 1));
            var ours = Assert.Single((await AuthResultsReader.ReadAsync(stored)).Fields);
            Assert.Equal("temperror", Assert.Single(ours.Results, r => r.Name == "spf" && r.Props.ContainsKey("smtp.mailfrom")).Result);
            Assert.Equal("temperror", Assert.Single(ours.Results, r => r.Name == "dmarc").Result);
        }

        // RFC 7489 §6.6.2/§6.6.3: without a DMARC decision the receiver may defer; with an action configured we do.
        await using var enforcing = await StartAsync(dns.EndPoint, DmarcAction.Reject, TimeSpan.FromMilliseconds(300));
        var deferred = await ExternalTool.RunAsync("swaks", Swaks(enforcing));
        Assert.NotEqual(0, deferred.ExitCode);
        Assert.Contains("451 4.4.3", deferred.Stdout, StringComparison.Ordinal);
        Assert.Empty(await enforcing.InboxAsync("bob@example.test"));
    }

    internal static Task<TestMailServer> StartAsync(IPEndPoint dns, DmarcAction action, TimeSpan? dnsTimeout = null, Action<SenderAuthOptions>? configure = null) =>
        TestMailServer.StartAsync(
            smtp: o =>
            {
                o.SenderAuthentication = new SenderAuthOptions { AuthServId = "mx.example.test", DmarcAction = action };
                configure?.Invoke(o.SenderAuthentication);
            },
            configure: b =>
            {
                var options = new DnsResolverOptions { UseCache = false, Timeout = dnsTimeout ?? TimeSpan.FromSeconds(3), Attempts = 1 };
                options.Servers.Add(dns);
                b.UseDnsResolver(new DnsClientResolver(options));
            });
}
