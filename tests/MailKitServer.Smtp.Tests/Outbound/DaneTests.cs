using System.Globalization;
using System.Net;
using MailKitServer.Dns;
using MailKitServer.Smtp.Outbound;
using MailKitServer.Smtp.Outbound.Queue;
using MailKitServer.TestSupport;

namespace MailKitServer.Smtp.Tests.Outbound;

/// <summary>
/// DANE (RFC 7672) on outbound delivery: dnsmasq serves b.test's MX, mx.b.test's address and a TLSA record at
/// <c>_PORT._tcp.mx.b.test</c>, read by our DnsClient resolver; server B presents a certificate from a test CA. What is
/// not real: dnsmasq cannot validate DNSSEC, so <see cref="ValidatedResolver"/> marks its answers authenticated as a
/// validating resolver's AD bit would (reading the real AD bit is tested in <see cref="DnsAuthenticatedDataTests"/>).
/// A matching DANE-EE record delivers over TLS; a record of another key defers with the reason; the same wrong record
/// without the AD bit is not used at all.
/// </summary>
public sealed class DaneTests
{
    [Theory]
    [InlineData(true, true, true)]
    [InlineData(false, true, false)]
    [InlineData(false, false, true)]
    public async Task TLSA_records_from_a_validated_answer_decide_whether_the_certificate_is_accepted(bool matching, bool validated, bool delivered)
    {
        using var certificates = TestCertificates.Create("mx.b.test");
        using var other = TestCertificates.Create("mx.b.test");
        await using var receiver = await RemoteReceiver.StartAsync(certificate: certificates.Leaf);
        var record = DaneVerifierTests.Record(3, 1, 1, matching ? certificates.Leaf : other.Leaf);
        var rdata = Convert.ToHexString([record.Usage, record.Selector, record.MatchingType, .. record.Data.ToArray()]);
        await using var dns = await Dnsmasq.StartAsync(
            "--mx-host=b.test,mx.b.test,10",
            $"--host-record=mx.b.test,{RemoteReceiver.Address}",
            $"--dns-rr=_{receiver.Port.ToString(CultureInfo.InvariantCulture)}._tcp.mx.b.test,52,{rdata}");
        IDnsResolver resolver = dns.Resolver();
        await using var sender = await TestMailServer.StartAsync(configure: b => b.UseDnsResolver(validated ? new ValidatedResolver(resolver) : resolver).AddOutboundDelivery(o =>
        {
            o.RemotePort = receiver.Port;
            o.RetrySchedule.Clear();
            o.RetrySchedule.Add(TimeSpan.FromMinutes(5));
            o.CommandTimeout = TimeSpan.FromSeconds(10);
        }));

        await OutboundHarness.SubmitAsync(sender, "alice@example.test", ["someone@b.test"], "Subject: dane\r\n\r\nauthenticated by DNS\r\n");
        if (delivered)
        {
            Assert.Equal(1, await receiver.WaitForCountAsync(1));
            Assert.Contains("with ESMTPS", Assert.Single(await OutboundHarness.InboxTextsAsync(receiver.Store, "someone@b.test")), StringComparison.Ordinal);
            return;
        }

        var queue = sender.Server.GetOutboundQueue();
        await OutboundHarness.WaitUntilAsync(queue, () => queue.List() is [{ Recipients: [{ Diagnostic: not null }] }]);
        var (_, state, status, diagnostic) = Assert.Single(Assert.Single(queue.List()).Recipients);
        Assert.Equal(RecipientState.Pending, state);
        Assert.StartsWith("4.", status, StringComparison.Ordinal);
        Assert.Contains("DANE verification", diagnostic, StringComparison.Ordinal);
        Assert.Equal(0, await receiver.CountAsync());
    }

    /// <summary>Stands in for a validating resolver: every answer of the inner resolver marked authenticated (AD).</summary>
    private sealed class ValidatedResolver(IDnsResolver inner) : IDnsResolver
    {
        public async ValueTask<DnsResult<MxRecord>> ResolveMxAsync(string domain, CancellationToken cancellationToken) =>
            (await inner.ResolveMxAsync(domain, cancellationToken)) with { Authenticated = true };

        public async ValueTask<DnsResult<IPAddress>> ResolveAddressesAsync(string host, CancellationToken cancellationToken) =>
            (await inner.ResolveAddressesAsync(host, cancellationToken)) with { Authenticated = true };

        public async ValueTask<DnsResult<string>> ResolveTxtAsync(string name, CancellationToken cancellationToken) =>
            (await inner.ResolveTxtAsync(name, cancellationToken)) with { Authenticated = true };

        public async ValueTask<DnsResult<string>> ResolvePtrAsync(IPAddress address, CancellationToken cancellationToken) =>
            (await inner.ResolvePtrAsync(address, cancellationToken)) with { Authenticated = true };

        public async ValueTask<DnsResult<TlsaRecord>> ResolveTlsaAsync(string name, CancellationToken cancellationToken) =>
            (await inner.ResolveTlsaAsync(name, cancellationToken)) with { Authenticated = true };
    }
}
