using System.Globalization;
using MailKitServer.Smtp.Outbound;
using MailKitServer.Smtp.Outbound.Queue;
using MailKitServer.TestSupport;

namespace MailKitServer.Smtp.Tests.Outbound;

/// <summary>
/// DANE (RFC 7672) on outbound delivery against a real validating resolver: Unbound (Debian unbound) serves b.test
/// (MX, mx.b.test's address, a TLSA record at <c>_PORT._tcp.mx.b.test</c>) from a zone signed with ldns-signzone and
/// validates it against the zone key's DS as trust anchor, so our DnsClient resolver gets the AD bit from Unbound's
/// validator; server B presents a certificate from a test CA. Signed and matching → delivered over TLS; signed and
/// not matching → deferred with the reason; the same zone unsigned (insecure: no AD) → DANE not applied, delivered;
/// a record changed after signing (bogus: Unbound says SERVFAIL) → deferred, never sent in the clear.
/// </summary>
public sealed class DaneTests
{
    public enum Zone
    {
        Signed,
        Unsigned,
        Tampered,
    }

    [Theory]
    [InlineData(true, Zone.Signed, true)]
    [InlineData(false, Zone.Signed, false)]
    [InlineData(false, Zone.Unsigned, true)]
    [InlineData(true, Zone.Tampered, false)]
    public async Task TLSA_records_validated_by_unbound_decide_whether_the_certificate_is_accepted(bool matching, Zone zone, bool delivered)
    {
        using var certificates = TestCertificates.Create("mx.b.test");
        using var other = TestCertificates.Create("mx.b.test");
        await using var receiver = await RemoteReceiver.StartAsync(certificate: certificates.Leaf);
        var right = Rdata(certificates);
        var wrong = Rdata(other);

        // Tampered: the zone is signed with the wrong record, which is then replaced by the right one under its signature.
        await using var dns = await Unbound.StartAsync("b.test", Records(receiver.Port, "3 1 1 " + (zone == Zone.Tampered || !matching ? wrong : right)), zone != Zone.Unsigned,
            zone == Zone.Tampered ? text => text.Replace(wrong, right, StringComparison.OrdinalIgnoreCase) : null);
        await using var sender = await OutboundHarness.StartSenderAsync(receiver.Port, dns.Resolver(), o => o.RetrySchedule[0] = TimeSpan.FromMinutes(5));

        await OutboundHarness.SubmitAsync(sender, "alice@example.test", ["someone@b.test"], "Subject: dane\r\n\r\nauthenticated by DNS\r\n");
        if (delivered)
        {
            Assert.Equal(1, await receiver.WaitForCountAsync(1));
            Assert.Contains("with ESMTPS", Assert.Single(await OutboundHarness.InboxTextsAsync(receiver.Store, "someone@b.test")), StringComparison.Ordinal);
            return;
        }

        var diagnostic = await DeferredAsync(sender);
        Assert.Contains(zone == Zone.Tampered ? "TLSA" : "DANE verification", diagnostic, StringComparison.Ordinal);
        Assert.Equal(0, await receiver.CountAsync());
    }

    /// <summary>RFC 7672 §2.2: validated TLSA records that are all unusable (PKIX-EE here) still make TLS mandatory, unauthenticated.</summary>
    [Fact]
    public async Task Validated_TLSA_records_that_are_all_unusable_require_TLS_without_checking_the_certificate()
    {
        using var untrusted = TestCertificates.Create("other.name.test");
        await using var receiver = await RemoteReceiver.StartAsync(certificate: untrusted.Leaf);
        await using (var dns = await Unbound.StartAsync("b.test", Records(receiver.Port, "1 1 1 " + Rdata(untrusted)), signed: true))
        await using (var sender = await OutboundHarness.StartSenderAsync(receiver.Port, dns.Resolver(), o => o.ValidateMxCertificates = true))
        {
            // A certificate for another name from an unknown CA: accepted, as no record can authenticate it, but over TLS.
            await OutboundHarness.SubmitAsync(sender, "alice@example.test", ["someone@b.test"], "Subject: tls\r\n\r\nencrypted\r\n");
            Assert.Equal(1, await receiver.WaitForCountAsync(1));
            Assert.Contains("with ESMTPS", Assert.Single(await OutboundHarness.InboxTextsAsync(receiver.Store, "someone@b.test")), StringComparison.Ordinal);
        }

        // A host without STARTTLS under the same records: deferred, not sent in the clear.
        var received = 0;
        await using var plain = ScriptedSmtpServer.Minimal(OutboundHarness.RemoteAddress, ["PIPELINING"], _ => Interlocked.Increment(ref received));
        await using var plainDns = await Unbound.StartAsync("b.test", Records(plain.Port, "1 1 1 " + Rdata(untrusted)), signed: true);
        await using var plainSender = await OutboundHarness.StartSenderAsync(plain.Port, plainDns.Resolver(), o => o.RetrySchedule[0] = TimeSpan.FromMinutes(5));
        await OutboundHarness.SubmitAsync(plainSender, "alice@example.test", ["someone@b.test"], "Subject: tls\r\n\r\nencrypted\r\n");
        Assert.Contains("RFC 7672 §2.2", await DeferredAsync(plainSender), StringComparison.Ordinal);
        Assert.Equal(0, Volatile.Read(ref received));
    }

    private static string[] Records(int port, string tlsa) =>
    [
        "@ IN MX 10 mx",
        $"mx IN A {RemoteReceiver.Address}",
        $"_{port.ToString(CultureInfo.InvariantCulture)}._tcp.mx IN TLSA {tlsa}",
    ];

    /// <summary>The SHA-256 of the server certificate's SubjectPublicKeyInfo in hex (the data of a "3 1 1" or "1 1 1" record).</summary>
    private static string Rdata(TestCertificates certificates) =>
        Convert.ToHexStringLower(DaneVerifierTests.Record(3, 1, 1, certificates.Leaf).Data.Span);

    private static async Task<string> DeferredAsync(TestMailServer sender)
    {
        var queue = sender.Server.GetOutboundQueue();
        await OutboundHarness.WaitUntilAsync(queue, () => queue.List() is [{ Recipients: [{ Diagnostic: not null }] }]);
        var (_, state, status, diagnostic) = Assert.Single(Assert.Single(queue.List()).Recipients);
        Assert.Equal(RecipientState.Pending, state);
        Assert.StartsWith("4.", status, StringComparison.Ordinal);
        return diagnostic!;
    }
}
