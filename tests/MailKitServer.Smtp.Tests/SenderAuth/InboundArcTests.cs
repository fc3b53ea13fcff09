using System.Globalization;
using MailKitServer.Smtp.SenderAuth;
using MailKitServer.TestSupport;

namespace MailKitServer.Smtp.Tests.SenderAuth;

/// <summary>
/// ARC verification (RFC 8617 §5.2) with an independent sealer: dkimpy (python3-dkim, what its arcsign runs) seals a
/// message at two hops of relay.test, each with its own Authentication-Results, and Python's smtplib sends it to port
/// 25. dkimpy's own arc_verify says pass before sending. Our Authentication-Results says arc=pass for the intact chain
/// and arc=fail when the body changed after the last seal or the first ARC set was removed.
/// </summary>
public class InboundArcTests
{
    private const string SealAndSend = """
        import sys, smtplib, dkim
        port, mode, key = int(sys.argv[1]), sys.argv[2], open(sys.argv[3], "rb").read()
        msg = (b"From: Alice <alice@orig.test>\r\n"
               b"To: list@relay.test\r\n"
               b"Subject: sealed  by dkimpy\r\n"
               b"Date: Sun, 29 Nov 2026 12:00:00 +0000\r\n"
               b"Message-ID: <arc-1@orig.test>\r\n"
               b"\r\n"
               b"Hello through two hops\r\n")
        def seal(m, authserv, results):
            m = b"Authentication-Results: " + authserv + b"; " + results + b"\r\n" + m
            fields = dkim.arc_sign(m, b"arc", b"relay.test", key, authserv, include_headers=[b"from", b"to", b"subject", b"date", b"message-id"])
            assert fields, "dkimpy did not seal"
            return b"".join(fields) + m
        m = seal(msg, b"hop1.relay.test", b"spf=pass smtp.mailfrom=orig.test")
        m = seal(m, b"hop2.relay.test", b"arc=pass")
        cv, results, why = dkim.arc_verify(m)
        print("DKIMPY", cv.decode())
        if mode == "changed":
            m = m.replace(b"Hello through", b"Hello trough")
        elif mode == "gap":
            head, body = m.split(b"\r\n\r\n", 1)
            fields = []
            for line in head.split(b"\r\n"):
                if line[:1] in (b" ", b"\t"):
                    fields[-1] += b"\r\n" + line
                else:
                    fields.append(line)
            kept = [f for f in fields if not (f.startswith(b"ARC-") and b"i=1;" in f.split(b"\r\n")[0])]
            assert len(kept) == len(fields) - 3, "expected one ARC set at i=1"
            m = b"\r\n".join(kept) + b"\r\n\r\n" + body
        with smtplib.SMTP("127.0.0.1", port, source_address=("127.0.0.2", 0)) as s:
            s.ehlo("mail.relay.test")
            s.sendmail("list-bounces@relay.test", ["bob@example.test"], m)
        print("SENT")
        """;

    [Theory]
    [InlineData("intact", "pass")]
    [InlineData("changed", "fail")]
    [InlineData("gap", "fail")]
    public async Task A_chain_sealed_by_dkimpy_at_two_hops_is_recorded_as_arc_pass_and_a_broken_one_as_arc_fail(string mode, string expected)
    {
        using var keys = TestDkimKeys.Create();
        await using var dns = await Dnsmasq.StartAsync(
            TestDkimKeys.TxtOption("arc._domainkey.relay.test", keys.RsaRecord),
            "--txt-record=relay.test,v=spf1 ip4:127.0.0.2 -all");
        await using var server = await InboundSpfTests.StartAsync(dns.EndPoint, DmarcAction.None);

        var sent = await DebianPython.RunAsync(dns, SealAndSend, server.Smtp.Port.ToString(CultureInfo.InvariantCulture), mode, keys.RsaKeyFile);
        Assert.True(sent.ExitCode == 0 && sent.Stdout.Contains("DKIMPY pass", StringComparison.Ordinal) && sent.Stdout.Contains("SENT", StringComparison.Ordinal), sent.ToString());

        var stored = Assert.Single(await server.WaitForInboxAsync("bob@example.test", 1));
        var fields = (await AuthResultsReader.ReadAsync(stored)).Fields;
        var ours = Assert.Single(fields, f => f.AuthServId == "mx.example.test");
        Assert.Equal(expected, Assert.Single(ours.Results, r => r.Name == "arc").Result);

        // The relays' own fields stay: only fields claiming our authserv-id are removed (RFC 8601 §5).
        Assert.Contains(fields, f => f.AuthServId == "hop1.relay.test");
        Assert.Contains(fields, f => f.AuthServId == "hop2.relay.test");
    }
}
