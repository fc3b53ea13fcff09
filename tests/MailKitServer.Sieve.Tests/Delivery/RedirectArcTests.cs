using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using MailKitServer.Dns;
using MailKitServer.Sieve.Scripts;
using MailKitServer.Smtp.Outbound;
using MailKitServer.Smtp.SenderAuth;
using MailKitServer.Smtp.SenderAuth.Signing;
using MailKitServer.TestSupport;

namespace MailKitServer.Sieve.Tests.Delivery;

/// <summary>
/// A Sieve redirect out of our domains is ARC-sealed (RFC 8617 §5.1) when the message was checked on arrival: swaks
/// sends from 127.0.0.3 (SPF pass for orig.test) to bob, whose script redirects to someone@b.test; the copy server B
/// receives carries our Authentication-Results and one ARC set, and dkimpy's arc_verify validates it against the key
/// in dnsmasq.
/// </summary>
public sealed class RedirectArcTests
{
    private const string Verify = """
        import sys, dkim
        cv, results, why = dkim.arc_verify(open(sys.argv[1], "rb").read())
        print(cv.decode(), len(results), why)
        """;

    [Fact]
    public async Task A_redirect_to_a_remote_address_is_ARC_sealed_and_dkimpy_validates_the_chain()
    {
        using var rsa = RSA.Create(2048);
        var record = "v=DKIM1; k=rsa; p=" + Convert.ToBase64String(rsa.ExportSubjectPublicKeyInfo());
        await using var dns = await Dnsmasq.StartAsync(
            "--txt-record=arc._domainkey.example.test," + string.Join(',', record.Chunk(250).Select(c => new string(c))),
            "--txt-record=orig.test,v=spf1 ip4:127.0.0.3 -all",
            "--mx-host=b.test,mx.b.test,10",
            $"--host-record=mx.b.test,{RemoteReceiver.Address}");
        await using var remote = await RemoteReceiver.StartAsync();
        var scripts = new InMemorySieveScriptStore();
        await using var server = await TestMailServer.StartAsync(
            smtp: o =>
            {
                o.SenderAuthentication = new SenderAuthOptions { AuthServId = "mx.example.test", DmarcAction = DmarcAction.None };
                o.DkimSigningKeys.Add(DkimSigningKey.FromPem("example.test", "arc", rsa.ExportRSAPrivateKeyPem()));
            },
            configure: b =>
            {
                b.UseDnsResolver(dns.Resolver())
                    .AddOutboundDelivery(o =>
                    {
                        o.RemotePort = remote.Port;
                        o.RetrySchedule.Clear();
                        o.RetrySchedule.Add(TimeSpan.FromMilliseconds(200));
                    })
                    .AddSieve(o => o.ScriptStore = scripts);
            });
        await scripts.PutAsync("bob@example.test", "main", "redirect \"someone@b.test\";", default);
        Assert.True(await scripts.SetActiveAsync("bob@example.test", "main", default));

        var run = await ExternalTool.RunAsync("swaks",
        [
            "--server", "127.0.0.1", "--port", server.Smtp.Port.ToString(CultureInfo.InvariantCulture), "--local-interface", "127.0.0.3",
            "--ehlo", "mail.orig.test", "--from", "alice@orig.test", "--to", "bob@example.test",
            "--header", "From: Alice <alice@orig.test>", "--header", "Subject: for bob's rules", "--body", "Redirect me\r\n",
        ]);
        Assert.True(run.ExitCode == 0, run.ToString());

        Assert.Equal(1, await remote.WaitForCountAsync(1));
        var redirected = Assert.Single(await remote.MessagesAsync());
        var text = Encoding.ASCII.GetString(redirected);
        Assert.StartsWith("Return-Path: <bob@example.test>", text, StringComparison.Ordinal);
        Assert.Contains("Authentication-Results: mx.example.test;\r\n\tspf=pass smtp.mailfrom=orig.test;", text, StringComparison.Ordinal);
        Assert.Contains("ARC-Seal: i=1; a=rsa-sha256; cv=none; d=example.test; s=arc;", text, StringComparison.Ordinal);

        var file = Path.Combine(Path.GetTempPath(), $"mks-arc-redirect-{Guid.NewGuid():N}.eml");
        try
        {
            await File.WriteAllBytesAsync(file, redirected);
            var verified = await DebianPython.RunAsync(dns, Verify, file);
            Assert.True(verified.ExitCode == 0 && verified.Stdout.StartsWith("pass 1 ", StringComparison.Ordinal), verified.ToString() + "\n" + text);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
