using System.Globalization;
using MailKitServer.Dns;
using MailKitServer.Smtp.Outbound;
using MailKitServer.Smtp.SenderAuth;
using MailKitServer.Smtp.SenderAuth.Signing;
using MailKitServer.TestSupport;

namespace MailKitServer.Smtp.Tests.SenderAuth;

/// <summary>
/// ARC sealing (RFC 8617 §5.1) of mail our server forwards: swaks sends from 127.0.0.3 (SPF pass for orig.test) to an
/// alias whose targets are a local user and someone@b.test; the copy the outbound queue delivers to server B carries
/// one ARC set made with the example.test key, and dkimpy's arc_verify (what its arcverify runs) finds the chain valid
/// against the key in dnsmasq, with our results (spf=pass) in the ARC-Authentication-Results. The local copy carries
/// no ARC set; a copy changed after sealing fails.
/// </summary>
public class ForwardedArcTests
{
    private const string Verify = """
        import sys, dkim
        m = open(sys.argv[1], "rb").read()
        cv, results, why = dkim.arc_verify(m)
        print(cv.decode(), len(results), why)
        """;

    [Fact]
    public async Task Mail_an_alias_forwards_to_a_remote_address_is_ARC_sealed_and_dkimpy_validates_the_chain()
    {
        using var keys = TestDkimKeys.Create();
        await using var dns = await Dnsmasq.StartAsync(
            TestDkimKeys.TxtOption("arc._domainkey.example.test", keys.RsaRecord),
            "--txt-record=orig.test,v=spf1 ip4:127.0.0.3 -all",
            "--mx-host=b.test,mx.b.test,10",
            $"--host-record=mx.b.test,{RemoteReceiver.Address}");
        await using var remote = await RemoteReceiver.StartAsync();
        await using var server = await TestMailServer.StartAsync(
            smtp: o =>
            {
                o.SenderAuthentication = new SenderAuthOptions { AuthServId = "mx.example.test", DmarcAction = DmarcAction.None };
                o.DkimSigningKeys.Add(DkimSigningKey.Load("example.test", "arc", keys.RsaKeyFile));
            },
            configure: b =>
            {
                b.UseDnsResolver(dns.Resolver()).AddOutboundDelivery(o =>
                {
                    o.RemotePort = remote.Port;
                    o.RetrySchedule.Clear();
                    o.RetrySchedule.Add(TimeSpan.FromMilliseconds(200));
                });
            });
        server.Directory.AddAlias("list@example.test", "someone@b.test", "bob@example.test");

        var run = await ExternalTool.RunAsync("swaks",
        [
            "--server", "127.0.0.1", "--port", server.Smtp.Port.ToString(CultureInfo.InvariantCulture), "--local-interface", "127.0.0.3",
            "--ehlo", "mail.orig.test", "--from", "alice@orig.test", "--to", "list@example.test",
            "--header", "From: Alice <alice@orig.test>", "--header", "Subject: to the list", "--body", "Forward me  \r\n",
        ]);
        Assert.True(run.ExitCode == 0, run.ToString());

        Assert.Equal(1, await remote.WaitForCountAsync(1));
        var forwarded = Assert.Single(await remote.MessagesAsync());
        var local = Assert.Single(await server.WaitForInboxAsync("bob@example.test", 1));
        Assert.DoesNotContain("ARC-Seal:", System.Text.Encoding.ASCII.GetString(local), StringComparison.Ordinal);

        Assert.DoesNotContain(forwarded.Select((b, i) => b == (byte)'\n' && (i == 0 || forwarded[i - 1] != (byte)'\r')), bare => bare);
        var file = Path.Combine(keys.Directory, "forwarded.eml");
        await File.WriteAllBytesAsync(file, forwarded);
        var verified = await DebianPython.RunAsync(dns, Verify, file);
        Assert.True(verified.ExitCode == 0 && verified.Stdout.StartsWith("pass 1 ", StringComparison.Ordinal), verified.ToString() + "\n" + System.Text.Encoding.ASCII.GetString(forwarded));
        var text = System.Text.Encoding.ASCII.GetString(forwarded);
        Assert.Contains("ARC-Authentication-Results: i=1; mx.example.test;\r\n\tspf=pass smtp.mailfrom=orig.test;", text, StringComparison.Ordinal);
        Assert.Contains("ARC-Seal: i=1; a=rsa-sha256; cv=none; d=example.test; s=arc;", text, StringComparison.Ordinal);

        var changed = Path.Combine(keys.Directory, "changed.eml");
        await File.WriteAllBytesAsync(changed, [.. forwarded, .. "one more line\r\n"u8.ToArray()]);
        var broken = await DebianPython.RunAsync(dns, Verify, changed);
        Assert.True(broken.ExitCode == 0 && broken.Stdout.StartsWith("fail", StringComparison.Ordinal), broken.ToString());
    }
}
