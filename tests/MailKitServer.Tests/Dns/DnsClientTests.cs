using System.Net;
using MailKitServer.Dns;
using MailKitServer.TestSupport;

namespace MailKitServer.Tests.Dns;

/// <summary>
/// The default resolver (DnsClient.NET underneath) against a scripted server (forged packets, truncation, CNAME
/// loops, caching, the three negative outcomes) and against dnsmasq.
/// </summary>
public class DnsClientTests
{
    private static DnsClientResolver Client(FakeDnsServer server, TimeSpan? timeout = null)
    {
        var options = new DnsResolverOptions { Timeout = timeout ?? TimeSpan.FromSeconds(2), Attempts = 1 };
        options.Servers.Add(server.EndPoint);
        return new DnsClientResolver(options);
    }

    private static ushort QueryType(byte[] query)
    {
        var at = 12;
        while (query[at] != 0)
        {
            at += query[at] + 1;
        }

        return (ushort)((query[at + 1] << 8) | query[at + 2]);
    }

    private static byte[] Mx(ushort preference, string exchange) => [(byte)(preference >> 8), (byte)preference, .. FakeDnsServer.Name(exchange)];

    [Fact]
    public async Task A_forged_answer_is_never_taken()
    {
        // A reply with another query id, or for another name, before the real one: DnsClient.NET drops the exchange
        // (DnsXidMismatchException) rather than read on, so the lookup is a temporary failure, never evil.test.
        await using var server = new FakeDnsServer((q, _) =>
        {
            var wrongId = FakeDnsServer.Reply(q, 0x8180, 1, 0, FakeDnsServer.Record(15, 60, Mx(1, "evil.test")));
            wrongId[0] ^= 0xFF;
            return [wrongId, FakeDnsServer.Reply(q, 0x8180, 1, 0, FakeDnsServer.Record(15, 60, Mx(10, "mx.good.test")))];
        });
        var result = await Client(server).ResolveMxAsync("good.test", default);
        Assert.Equal(DnsStatus.TemporaryFailure, result.Status);
        Assert.Empty(result.Records);
        Assert.Contains("good.test MX", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_truncated_udp_answer_is_asked_again_over_tcp()
    {
        await using var server = new FakeDnsServer((q, tcp) => tcp
            ? [FakeDnsServer.Reply(q, 0x8180, 2, 0, FakeDnsServer.Record(16, 60, [3, (byte)'a', (byte)'b', (byte)'c']), FakeDnsServer.Record(16, 60, [2, (byte)'d', (byte)'e']))]
            : [FakeDnsServer.Reply(q, 0x8380, 0, 0)]);
        var result = await Client(server).ResolveTxtAsync("big.test", default);
        Assert.Equal(["abc", "de"], result.Records.Select(r => r.Value));
        Assert.Equal(2, server.Queries);
    }

    [Fact]
    public async Task Cname_chains_are_followed_and_loops_are_a_temporary_failure()
    {
        await using var server = new FakeDnsServer((q, _) =>
        {
            var name = System.Text.Encoding.ASCII.GetString(q, 13, q[12]);
            return name switch
            {
                // alias -> real (target not in the answer: asked again)
                "alias" => [FakeDnsServer.Reply(q, 0x8180, 1, 0, FakeDnsServer.Record(5, 60, FakeDnsServer.Name("real.test")))],
                "real" => [FakeDnsServer.Reply(q, 0x8180, 1, 0, FakeDnsServer.Record(1, 60, [192, 0, 2, 7]))],
                "loop1" => [FakeDnsServer.Reply(q, 0x8180, 1, 0, FakeDnsServer.Record(5, 60, FakeDnsServer.Name("loop2.test")))],
                "loop2" => [FakeDnsServer.Reply(q, 0x8180, 1, 0, FakeDnsServer.Record(5, 60, FakeDnsServer.Name("loop1.test")))],
                _ => [FakeDnsServer.Reply(q, 0x8183, 0, 0)],
            };
        });
        var client = Client(server);
        var a = await client.ResolveAddressesAsync("alias.test", default);
        Assert.Equal(IPAddress.Parse("192.0.2.7"), Assert.Single(a.Records).Value);
        var loop = await client.ResolveMxAsync("loop1.test", default);
        Assert.Equal(DnsStatus.TemporaryFailure, loop.Status);
        Assert.Contains("CNAME loop", loop.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Answers_and_nxdomain_are_cached()
    {
        byte[] soa = [.. FakeDnsServer.Name("ns.test"), .. FakeDnsServer.Name("admin.test"), 0, 0, 0, 1, 0, 0, 0, 60, 0, 0, 0, 60, 0, 0, 0, 60, 0, 0, 1, 44];
        await using var server = new FakeDnsServer((q, _) => System.Text.Encoding.ASCII.GetString(q, 13, q[12]) == "gone"
            ? [FakeDnsServer.Reply(q, 0x8183, 0, 1, FakeDnsServer.Record(FakeDnsServer.Name("test"), 6, 3600, soa))]
            : [FakeDnsServer.Reply(q, 0x8180, 1, 0, FakeDnsServer.Record(15, 300, Mx(5, "mx.cached.test")))]);
        var client = Client(server);
        var first = await client.ResolveMxAsync("cached.test", default);
        Assert.Equal(TimeSpan.FromSeconds(300), Assert.Single(first.Records).TimeToLive);
        Assert.Equal(DnsStatus.Success, (await client.ResolveMxAsync("cached.test", default)).Status);
        Assert.Equal(1, server.Queries);

        Assert.Equal(DnsStatus.NameNotFound, (await client.ResolveMxAsync("gone.test", default)).Status);
        Assert.Equal(DnsStatus.NameNotFound, (await client.ResolveMxAsync("gone.test", default)).Status);
        Assert.Equal(2, server.Queries);

        var uncached = new DnsResolverOptions { UseCache = false, Attempts = 1 };
        uncached.Servers.Add(server.EndPoint);
        var fresh = new DnsClientResolver(uncached);
        await fresh.ResolveMxAsync("cached.test", default);
        await fresh.ResolveMxAsync("cached.test", default);
        Assert.Equal(4, server.Queries);
    }

    [Fact]
    public async Task Silence_and_servfail_are_temporary_failures_with_a_diagnostic_and_nodata_is_no_records()
    {
        await using var silent = new FakeDnsServer((_, _) => []);
        var timedOut = await Client(silent, TimeSpan.FromMilliseconds(200)).ResolveMxAsync("quiet.test", default);
        Assert.Equal(DnsStatus.TemporaryFailure, timedOut.Status);
        Assert.False(string.IsNullOrEmpty(timedOut.Error));
        await using var failing = new FakeDnsServer((q, _) => [FakeDnsServer.Reply(q, 0x8182, 0, 0)]);
        var servfail = await Client(failing).ResolveMxAsync("broken.test", default);
        Assert.Equal(DnsStatus.TemporaryFailure, servfail.Status);
        Assert.Contains("broken.test", servfail.Error, StringComparison.Ordinal);
        await using var empty = new FakeDnsServer((q, _) => [FakeDnsServer.Reply(q, 0x8180, 0, 0)]);
        Assert.Equal(DnsStatus.NoRecords, (await Client(empty).ResolveMxAsync("nodata.test", default)).Status);
    }

    [Fact]
    public async Task Ptr_txt_and_tlsa_through_dnsmasq()
    {
        byte[] digest = [.. Enumerable.Range(0, 32).Select(i => (byte)i)];
        await using var dns = await Dnsmasq.StartAsync(
            "--host-record=mx.b.test,127.0.0.2",
            "--txt-record=b.test,v=spf1 -all",
            "--txt-record=_dmarc.b.test,v=DMARC1; p=reject",
            "--dns-rr=_25._tcp.mx.b.test,52,030101" + Convert.ToHexString(digest));
        var options = new DnsResolverOptions();
        options.Servers.Add(dns.EndPoint);
        var client = new DnsClientResolver(options);
        Assert.Equal([dns.EndPoint], client.Servers);
        Assert.Equal("mx.b.test", Assert.Single((await client.ResolvePtrAsync(IPAddress.Parse("127.0.0.2"), default)).Records).Value);
        Assert.Equal("v=spf1 -all", Assert.Single((await client.ResolveTxtAsync("b.test", default)).Records).Value);
        Assert.Equal("v=DMARC1; p=reject", Assert.Single((await client.ResolveTxtAsync("_dmarc.b.test", default)).Records).Value);
        var tlsa = Assert.Single((await client.ResolveTlsaAsync("_25._tcp.mx.b.test", default)).Records).Value;
        Assert.Equal((3, 1, 1), (tlsa.Usage, tlsa.Selector, tlsa.MatchingType));
        Assert.Equal(digest, tlsa.Data.ToArray());
        Assert.Equal(DnsStatus.NoRecords, (await client.ResolveTlsaAsync("mx.b.test", default)).Status);
        Assert.Equal(DnsStatus.NameNotFound, (await client.ResolveTxtAsync("nope.test", default)).Status);
    }

    [Fact]
    public async Task Resolves_through_dnsmasq()
    {
        await using var dns = await Dnsmasq.StartAsync("--mx-host=b.test,mx.b.test,10", "--mx-host=b.test,mx2.b.test,20", "--host-record=mx.b.test,127.0.0.2", "--host-record=mx2.b.test,127.0.0.3,::3", "--cname=alias.b.test,mx.b.test");
        var options = new DnsResolverOptions();
        options.Servers.Add(dns.EndPoint);
        var client = new DnsClientResolver(options);
        var mx = await client.ResolveMxAsync("b.test", default);
        Assert.Equal([new MxRecord(10, "mx.b.test"), new MxRecord(20, "mx2.b.test")], mx.Records.Select(r => r.Value).OrderBy(r => r.Preference));
        var both = await client.ResolveAddressesAsync("mx2.b.test", default);
        Assert.Equal([IPAddress.Parse("::3"), IPAddress.Parse("127.0.0.3")], both.Records.Select(r => r.Value));
        Assert.Equal(IPAddress.Parse("127.0.0.2"), Assert.Single((await client.ResolveAddressesAsync("alias.b.test", default)).Records).Value);
        Assert.Equal(DnsStatus.NameNotFound, (await client.ResolveMxAsync("nope.test", default)).Status);
        Assert.Equal(DnsStatus.NoRecords, (await client.ResolveMxAsync("mx.b.test", default)).Status);
    }
}
