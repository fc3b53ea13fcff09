using System.Globalization;
using System.Security.Cryptography;
using MailKitServer.TestSupport;

namespace MailKitServer.Interop.Tests.Host;

/// <summary>
/// The host's sender authentication options with real peers: --dmarc-action and --authserv-id turn on the checks of
/// the SMTP port (swaks from 127.0.0.2 with a p=reject domain is refused 550 5.7.1, per dnsmasq's records);
/// --dkim-key signs what carol submits, and Python's imaplib fetches it and dkimpy verifies it against the key in
/// dnsmasq, with our Authentication-Results absent (submission is not checked).
/// </summary>
public class HostSenderAuthTests
{
    private const string FetchAndVerify = """
        import sys, imaplib, dkim
        m = imaplib.IMAP4("127.0.0.1", int(sys.argv[1]))
        m.login("carol@corp.test", "carol-pw")
        m.select("INBOX")
        typ, data = m.fetch("1", "(BODY.PEEK[])")
        msg = data[0][1]
        d = dkim.DKIM(msg)
        print("PASS" if d.verify() else "FAIL", d.signature_fields[b"d"].decode(), d.signature_fields[b"s"].decode())
        print("AR", b"Authentication-Results" in msg)
        """;

    [Fact]
    public async Task Dmarc_action_refuses_a_p_reject_failure_and_dkim_key_signs_submitted_mail_that_dkimpy_verifies()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"mks-host-dkim-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        try
        {
            using var rsa = RSA.Create(2048);
            var keyFile = Path.Combine(directory, "corp.pem");
            await File.WriteAllTextAsync(keyFile, rsa.ExportRSAPrivateKeyPem());
            var record = "v=DKIM1; k=rsa; p=" + Convert.ToBase64String(rsa.ExportSubjectPublicKeyInfo());
            await using var dns = await Dnsmasq.StartAsync(
                "--txt-record=s1._domainkey.corp.test," + string.Join(',', record.Chunk(250).Select(c => new string(c))),
                "--txt-record=reject.test,v=spf1 -all", "--txt-record=_dmarc.reject.test,v=DMARC1; p=reject");
            var dnsPort = dns.EndPoint.Port.ToString(CultureInfo.InvariantCulture);
            await using var host = await HostProcess.StartAsync(
                "--store", "memory", "--smtp-port", "0", "--submission-port", "0", "--smtps-port", "-1",
                "--pop3-port", "-1", "--pop3s-port", "-1", "--imap-port", "0", "--imaps-port", "-1", "--insecure-auth",
                "--domain", "corp.test", "--user", "carol@corp.test:carol-pw", "--dns", $"127.0.0.1:{dnsPort}",
                "--dmarc-action", "reject", "--authserv-id", "mx.corp.test", "--dkim-key", $"corp.test:s1:{keyFile}");
            Assert.Contains("dkim corp.test selector s1 rsa-sha256", host.Output);

            var refused = await ExternalTool.RunAsync("swaks",
            [
                "--server", "127.0.0.1", "--port", host.Listeners["smtp"].Port.ToString(CultureInfo.InvariantCulture), "--local-interface", "127.0.0.2",
                "--from", "alice@reject.test", "--to", "carol@corp.test", "--header", "From: alice@reject.test",
            ]);
            Assert.Contains("550 5.7.1", refused.Stdout, StringComparison.Ordinal);

            var submitted = await ExternalTool.RunAsync("swaks",
            [
                "--server", "127.0.0.1", "--port", host.Listeners["submission"].Port.ToString(CultureInfo.InvariantCulture),
                "--auth", "PLAIN", "--auth-user", "carol@corp.test", "--auth-password", "carol-pw",
                "--from", "carol@corp.test", "--to", "carol@corp.test", "--header", "From: Carol <carol@corp.test>", "--header", "Subject: signed by the host",
            ]);
            Assert.True(submitted.ExitCode == 0, submitted.ToString());

            var verified = await DebianPython.RunAsync(dns, FetchAndVerify, host.Listeners["imap"].Port.ToString(CultureInfo.InvariantCulture));
            Assert.True(verified.ExitCode == 0, verified.ToString());
            Assert.Contains("PASS corp.test s1", verified.Stdout, StringComparison.Ordinal);
            Assert.Contains("AR False", verified.Stdout, StringComparison.Ordinal);
            Assert.Equal(0, await host.TerminateAsync());
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
