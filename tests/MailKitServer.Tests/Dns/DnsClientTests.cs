using System.Net;
using MailKitServer.Dns;
using MailKitServer.Dns.Client;
using MailKitServer.TestSupport;

namespace MailKitServer.Tests.Dns;

/// <summary>The DNS client against a scripted server (forged packets, truncation, loops, caching) and against dnsmasq.</summary>
public class DnsClientTests
{
    private static DnsClient Client(FakeDnsServer server, TimeSpan? timeout = null)
    {
        var options = new DnsClientOptions { Timeout = timeout ?? TimeSpan.FromSeconds(2), Attempts = 1 };
        options.Servers.Add(server.EndPoint);
        return new DnsClient(options);
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
    public async Task Forged_and_stray_packets_are_ignored_and_the_real_answer_is_taken()
    {
        await using var server = new FakeDnsServer((q, _) =>
        {
            var wrongId = FakeDnsServer.Reply(q, 0x8180, 1, 0, FakeDnsServer.Record(15, 60, Mx(1, "evil.test")));
            wrongId[0] ^= 0xFF;
            var otherQuestion = FakeDnsServer.Reply(q, 0x8180, 1, 0, FakeDnsServer.Record(15, 60, Mx(1, "evil.test")));
            otherQuestion[13] ^= 0x20 ^ 0x01; // another name
            return [wrongId, otherQuestion, [1, 2, 3], FakeDnsServer.Reply(q, 0x8180, 1, 0, FakeDnsServer.Record(15, 60, Mx(10, "mx.good.test")))];
        });
        var result = await Client(server).ResolveMxAsync("good.test", default);
        Assert.Equal(DnsStatus.Success, result.Status);
        Assert.Equal(new MxRecord(10, "mx.good.test"), Assert.Single(result.Records).Value);
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
    public async Task Answers_are_cached_for_their_ttl_and_nxdomain_for_the_soa_minimum()
    {
        byte[] soa = [.. FakeDnsServer.Name("ns.test"), .. FakeDnsServer.Name("admin.test"), 0, 0, 0, 1, 0, 0, 0, 60, 0, 0, 0, 60, 0, 0, 0, 60, 0, 0, 1, 44];
        await using var server = new FakeDnsServer((q, _) => System.Text.Encoding.ASCII.GetString(q, 13, q[12]) == "gone"
            ? [FakeDnsServer.Reply(q, 0x8183, 0, 1, FakeDnsServer.Record(FakeDnsServer.Name("test"), 6, 3600, soa))]
            : [FakeDnsServer.Reply(q, 0x8180, 1, 0, FakeDnsServer.Record(15, 300, Mx(5, "mx.cached.test")))]);
        var time = new ManualTimeProvider();
        var options = new DnsClientOptions { Attempts = 1 };
        options.Servers.Add(server.EndPoint);
        var client = new DnsClient(options, time);
        Assert.Equal(DnsStatus.Success, (await client.ResolveMxAsync("cached.test", default)).Status);
        Assert.Equal(DnsStatus.Success, (await client.ResolveMxAsync("CACHED.test.", default)).Status);
        Assert.Equal(1, server.Queries);
        time.Advance(TimeSpan.FromSeconds(301));
        await client.ResolveMxAsync("cached.test", default);
        Assert.Equal(2, server.Queries);

        Assert.Equal(DnsStatus.NameNotFound, (await client.ResolveMxAsync("gone.test", default)).Status);
        Assert.Equal(DnsStatus.NameNotFound, (await client.ResolveMxAsync("gone.test", default)).Status);
        Assert.Equal(3, server.Queries);
        time.Advance(TimeSpan.FromSeconds(301)); // the SOA minimum (300 s) has passed
        await client.ResolveMxAsync("gone.test", default);
        Assert.Equal(4, server.Queries);
    }

    [Fact]
    public async Task Silence_and_servfail_are_temporary_failures_with_a_diagnostic()
    {
        await using var silent = new FakeDnsServer((_, _) => []);
        var timedOut = await Client(silent, TimeSpan.FromMilliseconds(200)).ResolveMxAsync("quiet.test", default);
        Assert.Equal(DnsStatus.TemporaryFailure, timedOut.Status);
        Assert.Contains("no answer", timedOut.Error, StringComparison.Ordinal);
        await using var failing = new FakeDnsServer((q, _) => [FakeDnsServer.Reply(q, 0x8182, 0, 0)]);
        var servfail = await Client(failing).ResolveMxAsync("broken.test", default);
        Assert.Equal(DnsStatus.TemporaryFailure, servfail.Status);
        Assert.Contains("SERVFAIL", servfail.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Reverse_names_and_resolv_conf()
    {
        Assert.Equal("4.3.2.1.in-addr.arpa", DnsClient.ReverseName(IPAddress.Parse("1.2.3.4")));
        Assert.StartsWith("1.0.0.0.0.0.0.0", DnsClient.ReverseName(IPAddress.Parse("2001:db8::1")), StringComparison.Ordinal);
        Assert.EndsWith("8.b.d.0.1.0.0.2.ip6.arpa", DnsClient.ReverseName(IPAddress.Parse("2001:db8::1")), StringComparison.Ordinal);
        var options = new DnsClientOptions();
        ResolvConf.Apply(options, "# comment\nsearch example.test\nnameserver 192.0.2.53\nnameserver fe80::1%eth0\noptions timeout:1 attempts:3 rotate\n");
        Assert.Equal([new IPEndPoint(IPAddress.Parse("192.0.2.53"), 53), new IPEndPoint(IPAddress.Parse("fe80::1"), 53)], options.Servers);
        Assert.Equal(TimeSpan.FromSeconds(1), options.Timeout);
        Assert.Equal(3, options.Attempts);
    }

    [Fact]
    public async Task Resolves_through_dnsmasq()
    {
        await using var dns = await Dnsmasq.StartAsync("--mx-host=b.test,mx.b.test,10", "--mx-host=b.test,mx2.b.test,20", "--host-record=mx.b.test,127.0.0.2", "--host-record=mx2.b.test,127.0.0.3,::3", "--cname=alias.b.test,mx.b.test");
        var options = new DnsClientOptions();
        options.Servers.Add(dns.EndPoint);
        var client = new DnsClient(options);
        var mx = await client.ResolveMxAsync("b.test", default);
        Assert.Equal([new MxRecord(10, "mx.b.test"), new MxRecord(20, "mx2.b.test")], mx.Records.Select(r => r.Value).OrderBy(r => r.Preference));
        var both = await client.ResolveAddressesAsync("mx2.b.test", default);
        Assert.Equal([IPAddress.Parse("::3"), IPAddress.Parse("127.0.0.3")], both.Records.Select(r => r.Value));
        Assert.Equal(IPAddress.Parse("127.0.0.2"), Assert.Single((await client.ResolveAddressesAsync("alias.b.test", default)).Records).Value);
        Assert.Equal(DnsStatus.NameNotFound, (await client.ResolveMxAsync("nope.test", default)).Status);
        Assert.Equal(DnsStatus.NoRecords, (await client.ResolveMxAsync("mx.b.test", default)).Status);
    }
}
