using System.Globalization;
using System.Security.Cryptography;
using MailKitServer.TestSupport;

namespace MailKitServer.Interop.Tests.Host;

/// <summary>
/// ARC sealing through the host's options (RFC 8617 §5.1): the host runs with <c>--dkim-key corp.test:arc:KEY</c>,
/// <c>--dmarc-action none</c> (sender authentication on the SMTP port) and <c>--alias list@corp.test=someone@b.test</c>;
/// swaks sends from 127.0.0.3 (SPF pass for orig.test in dnsmasq) to the alias; the host's queue forwards to server B
/// (mx.b.test on 127.0.0.2 through dnsmasq's MX, <c>--relay-port</c>), and dkimpy's arc_verify, with the public key in
/// dnsmasq, finds the one-set chain valid with the host's spf=pass in the ARC-Authentication-Results.
/// </summary>
public class HostArcTests
{
    private const string Verify = """
        import sys, dkim
        m = open(sys.argv[1], "rb").read()
        cv, results, why = dkim.arc_verify(m)
        print(cv.decode(), len(results), why)
        """;

    [Fact]
    public async Task The_hosts_dkim_key_ARC_seals_mail_an_alias_forwards_and_dkimpy_validates_it()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"mks-host-arc-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        try
        {
            using var rsa = RSA.Create(2048);
            var keyFile = Path.Combine(directory, "corp.pem");
            await File.WriteAllTextAsync(keyFile, rsa.ExportRSAPrivateKeyPem());
            var record = "v=DKIM1; k=rsa; p=" + Convert.ToBase64String(rsa.ExportSubjectPublicKeyInfo());
            await using var dns = await Dnsmasq.StartAsync(
                "--txt-record=arc._domainkey.corp.test," + string.Join(',', record.Chunk(250).Select(c => new string(c))),
                "--txt-record=orig.test,v=spf1 ip4:127.0.0.3 -all",
                "--mx-host=b.test,mx.b.test,10",
                $"--host-record=mx.b.test,{RemoteReceiver.Address}");
            await using var remote = await RemoteReceiver.StartAsync();
            await using var host = await HostProcess.StartAsync(
                "--store", "memory", "--smtp-port", "0", "--submission-port", "-1", "--smtps-port", "-1",
                "--pop3-port", "-1", "--pop3s-port", "-1", "--imap-port", "-1", "--imaps-port", "-1",
                "--domain", "corp.test", "--alias", "list@corp.test=someone@b.test",
                "--dns", $"127.0.0.1:{dns.EndPoint.Port.ToString(CultureInfo.InvariantCulture)}",
                "--relay-port", remote.Port.ToString(CultureInfo.InvariantCulture),
                "--dmarc-action", "none", "--authserv-id", "mx.corp.test", "--dkim-key", $"corp.test:arc:{keyFile}");

            var sent = await ExternalTool.RunAsync("swaks",
            [
                "--server", "127.0.0.1", "--port", host.Listeners["smtp"].Port.ToString(CultureInfo.InvariantCulture), "--local-interface", "127.0.0.3",
                "--ehlo", "mail.orig.test", "--from", "alice@orig.test", "--to", "list@corp.test",
                "--header", "From: Alice <alice@orig.test>", "--header", "Subject: through the host's list", "--body", "Forward me\r\n",
            ]);
            Assert.True(sent.ExitCode == 0, sent.ToString());

            Assert.Equal(1, await remote.WaitForCountAsync(1));
            var forwarded = Assert.Single(await remote.MessagesAsync());
            var file = Path.Combine(directory, "forwarded.eml");
            await File.WriteAllBytesAsync(file, forwarded);
            var verified = await DebianPython.RunAsync(dns, Verify, file);
            var text = System.Text.Encoding.ASCII.GetString(forwarded);
            Assert.True(verified.ExitCode == 0 && verified.Stdout.StartsWith("pass 1 ", StringComparison.Ordinal), verified + "\n" + text);
            Assert.Contains("ARC-Seal: i=1; a=rsa-sha256; cv=none; d=corp.test; s=arc;", text, StringComparison.Ordinal);
            Assert.Contains("ARC-Authentication-Results: i=1; mx.corp.test;", text, StringComparison.Ordinal);
            Assert.Contains("spf=pass smtp.mailfrom=orig.test", text, StringComparison.Ordinal);
            Assert.Equal(0, await host.TerminateAsync());
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
