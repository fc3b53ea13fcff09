using System.Globalization;
using MailKitServer.Smtp.SenderAuth.Signing;
using MailKitServer.TestSupport;

namespace MailKitServer.Smtp.Tests.SenderAuth;

/// <summary>
/// Outbound DKIM signing verified by an independent verifier: swaks submits with AUTH PLAIN, the server signs with an
/// RSA-2048 key for example.test and an Ed25519 key for ed.example.test, and dkimpy (python3-dkim, the code behind its
/// dkimverify) verifies the stored copies against the keys dnsmasq publishes. Only the DKIM-Signature field was added:
/// the rest is the submitted message, octet for octet, and From is oversigned.
/// </summary>
public class OutboundDkimTests
{
    private const string Verify = """
        import sys, dkim
        msg = open(sys.argv[1], "rb").read()
        d = dkim.DKIM(msg)
        try:
            ok, why = d.verify(), ""
        except dkim.ValidationError as e:
            ok, why = False, str(e)
        print("PASS" if ok else "FAIL", d.signature_fields[b"a"].decode(), d.signature_fields[b"d"].decode(), d.signature_fields[b"h"].decode(), why)
        """;

    [Fact]
    public async Task Submitted_mail_is_signed_with_RSA_and_Ed25519_and_dkimpy_verifies_both_and_a_changed_copy_fails()
    {
        using var keys = TestDkimKeys.Create();
        await using var dns = await Dnsmasq.StartAsync(
            TestDkimKeys.TxtOption("rsa._domainkey.example.test", keys.RsaRecord),
            TestDkimKeys.TxtOption("ed._domainkey.ed.example.test", keys.Ed25519Record));
        await using var server = await TestMailServer.StartAsync(smtp: o =>
        {
            o.DkimSigningKeys.Add(DkimSigningKey.Load("example.test", "rsa", keys.RsaKeyFile));
            o.DkimSigningKeys.Add(DkimSigningKey.FromPem("ed.example.test", "ed", keys.Ed25519Pem));
        });

        foreach (var (from, subject) in new[] { ("alice@example.test", "rsa signed"), ("alice@ed.example.test", "ed25519 signed") })
        {
            var run = await ExternalTool.RunAsync("swaks",
            [
                "--server", "127.0.0.1", "--port", server.Submission.Port.ToString(CultureInfo.InvariantCulture),
                "--auth", "PLAIN", "--auth-user", "alice@example.test", "--auth-password", "alice-pw",
                "--from", "alice@example.test", "--to", "bob@example.test", "--header", $"From: {from}", "--header", $"Subject:   {subject}  ",
                "--body", "Signed by MailKitServer  \r\n\r\n",
            ]);
            Assert.True(run.ExitCode == 0, run.ToString());
        }

        var stored = await server.WaitForInboxAsync("bob@example.test", 2);
        Assert.Equal(2, stored.Count);
        var results = new List<string>();
        foreach (var message in stored)
        {
            // Every line of the signed copy ends in CRLF, the added field's folds too (RFC 5322 §2.2.3).
            Assert.DoesNotContain(message.Select((b, i) => b == (byte)'\n' && (i == 0 || message[i - 1] != (byte)'\r')), bare => bare);
            var file = Path.Combine(keys.Directory, $"{results.Count}.eml");
            await File.WriteAllBytesAsync(file, message);
            var verified = await DebianPython.RunAsync(dns, Verify, file);
            Assert.True(verified.ExitCode == 0 && verified.Stdout.StartsWith("PASS", StringComparison.Ordinal), verified.ToString() + "\n" + System.Text.Encoding.ASCII.GetString(message));
            results.Add(verified.Stdout.Trim());

            var changed = Path.Combine(keys.Directory, $"{results.Count}-changed.eml");
            await File.WriteAllBytesAsync(changed, message.Concat("one more line\r\n"u8.ToArray()).ToArray());
            var broken = await DebianPython.RunAsync(dns, Verify, changed);
            Assert.True(broken.Stdout.StartsWith("FAIL", StringComparison.Ordinal), broken.ToString());
        }

        Assert.StartsWith("PASS rsa-sha256 example.test ", results[0], StringComparison.Ordinal);
        Assert.StartsWith("PASS ed25519-sha256 ed.example.test ", results[1], StringComparison.Ordinal);

        // From signed once more than it occurs (RFC 6376 §5.4.2), so a second From added later breaks the signature.
        Assert.All(results, r => Assert.Equal(2, r.Split(' ')[3].Split(':').Count(h => h.Equals("from", StringComparison.OrdinalIgnoreCase))));
    }
}
