using System.Globalization;
using MailKitServer.Smtp.SenderAuth;
using MailKitServer.TestSupport;

namespace MailKitServer.Smtp.Tests.SenderAuth;

/// <summary>
/// DKIM verification end to end with an independent signer: dkimpy (python3-dkim) signs a message twice (RSA-SHA256
/// relaxed/simple and Ed25519-SHA256 simple/relaxed, RFC 8463) whose header has odd whitespace and folding, Python's
/// smtplib sends it from 127.0.0.2 to port 25, and the Authentication-Results field says pass for both, with DMARC
/// pass through DKIM alignment although SPF fails. The same message with its body changed after signing fails both
/// signatures, so DMARC fails and the domain's p=reject refuses it with 550 5.7.1.
/// </summary>
public class InboundDkimTests
{
    private const string SignAndSend = """
        import sys, smtplib, dkim
        port, src, mode, rsa_file, ed_file = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
        msg = (b"From: Alice <alice@dkim.test>\r\n"
               b"To:   bob@example.test\r\n"
               b"Subject:   odd    whitespace \r\n\t and  a   fold\r\n"
               b"Date: Sun, 29 Nov 2026 12:00:00 +0000\r\n"
               b"Message-ID: <1@dkim.test>\r\n"
               b"\r\n"
               b"Hello  there \r\n\tindented line\r\n\r\n\r\n")
        heads = [b"from", b"to", b"subject", b"date", b"message-id"]
        rsa = dkim.sign(msg, b"rsa", b"dkim.test", open(rsa_file, "rb").read(), include_headers=heads, canonicalize=(b"relaxed", b"simple"))
        ed = dkim.sign(msg, b"ed", b"dkim.test", open(ed_file, "rb").read().strip(), include_headers=heads, canonicalize=(b"simple", b"relaxed"), signature_algorithm=b"ed25519-sha256")
        signed = ed + rsa + msg
        if mode == "changed":
            signed = signed.replace(b"Hello  there", b"Hello  their")
        with smtplib.SMTP("127.0.0.1", port, source_address=(src, 0)) as s:
            s.ehlo("mail.dkim.test")
            try:
                s.sendmail("alice@dkim.test", ["bob@example.test"], signed)
                print("250")
            except smtplib.SMTPDataError as e:
                print(e.smtp_code, e.smtp_error.decode())
        """;

    [Fact]
    public async Task Dkimpy_signed_mail_with_odd_header_whitespace_passes_RSA_and_Ed25519_and_a_changed_body_fails_both_and_is_rejected_by_DMARC()
    {
        using var keys = TestDkimKeys.Create();
        await using var dns = await Dnsmasq.StartAsync(
            TestDkimKeys.TxtOption("rsa._domainkey.dkim.test", keys.RsaRecord),
            TestDkimKeys.TxtOption("ed._domainkey.dkim.test", keys.Ed25519Record),
            "--txt-record=dkim.test,v=spf1 -all",
            "--txt-record=_dmarc.dkim.test,v=DMARC1; p=reject");
        await using var server = await InboundSpfTests.StartAsync(dns.EndPoint, DmarcAction.Reject);
        var port = server.Smtp.Port.ToString(CultureInfo.InvariantCulture);

        var sent = await DebianPython.RunAsync(SignAndSend, port, "127.0.0.2", "intact", keys.RsaKeyFile, keys.Ed25519KeyFile);
        Assert.True(sent.ExitCode == 0 && sent.Stdout.Trim() == "250", sent.ToString());
        var stored = Assert.Single(await server.WaitForInboxAsync("bob@example.test", 1));
        var ours = Assert.Single((await AuthResultsReader.ReadAsync(stored)).Fields);
        Assert.Equal("fail", Assert.Single(ours.Results, r => r.Name == "spf" && r.Props.ContainsKey("smtp.mailfrom")).Result);
        var dkim = ours.Results.Where(r => r.Name == "dkim").ToList();
        Assert.Equal(2, dkim.Count);
        Assert.All(dkim, d => Assert.Equal(("pass", "dkim.test"), (d.Result, d.Props["header.d"])));
        Assert.Equal(["ed", "rsa"], dkim.Select(d => d.Props["header.s"]));
        Assert.Equal(["ed25519-sha256", "rsa-sha256"], dkim.Select(d => d.Props["header.a"]));
        var dmarc = Assert.Single(ours.Results, r => r.Name == "dmarc");
        Assert.Equal(("pass", "dkim.test"), (dmarc.Result, dmarc.Props["header.from"]));

        var changed = await DebianPython.RunAsync(SignAndSend, port, "127.0.0.2", "changed", keys.RsaKeyFile, keys.Ed25519KeyFile);
        Assert.True(changed.ExitCode == 0, changed.ToString());
        Assert.StartsWith("550 5.7.1", changed.Stdout.Trim(), StringComparison.Ordinal);
        Assert.Single(await server.InboxAsync("bob@example.test"));

        // Only recording: the changed message is delivered and its results say why.
        await using var recording = await InboundSpfTests.StartAsync(dns.EndPoint, DmarcAction.None);
        var recorded = await DebianPython.RunAsync(SignAndSend, recording.Smtp.Port.ToString(CultureInfo.InvariantCulture), "127.0.0.2", "changed", keys.RsaKeyFile, keys.Ed25519KeyFile);
        Assert.True(recorded.ExitCode == 0 && recorded.Stdout.Trim() == "250", recorded.ToString());
        var failed = Assert.Single((await AuthResultsReader.ReadAsync(Assert.Single(await recording.WaitForInboxAsync("bob@example.test", 1)))).Fields);
        Assert.Equal(["fail", "fail"], failed.Results.Where(r => r.Name == "dkim").Select(r => r.Result));
        Assert.Equal("fail", Assert.Single(failed.Results, r => r.Name == "dmarc").Result);
    }
}
