using System.Net;
using MailKitServer.Dns;
using MailKitServer.Smtp.Screening;
using MailKitServer.Smtp.Screening.Dnsbl;
using MailKitServer.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;

namespace MailKitServer.Smtp.Tests.Screening;

/// <summary>The checker against resolvers that answer, fail, hang or answer garbage, on a clock the test moves.</summary>
public class DnsListCheckerTests
{
    private static readonly IPAddress Client = IPAddress.Parse("192.0.2.7");

    [Fact]
    public async Task A_listing_is_remembered_for_the_answers_TTL_and_asked_again_after_it()
    {
        var clock = new ManualTimeProvider();
        var dns = new ScriptedResolver(_ => new DnsResult<IPAddress>(DnsStatus.Success, [new DnsRecord<IPAddress>(IPAddress.Parse("127.0.0.2"), TimeSpan.FromSeconds(60))]));
        var checker = Checker(dns, clock, o => o.BlockLists.Add(DnsListZone.Parse("bl.test")));

        Assert.Equal(DnsListOutcome.Blocked, (await checker.CheckAsync(Client, default)).Kind);
        clock.Advance(TimeSpan.FromSeconds(59));
        var cached = await checker.CheckAsync(Client, default);
        Assert.Equal(DnsListOutcome.Blocked, cached.Kind);
        Assert.Equal("bl.test", cached.Zone!.Zone);
        Assert.Equal(["7.2.0.192.bl.test"], dns.Asked);

        clock.Advance(TimeSpan.FromSeconds(1));
        await checker.CheckAsync(Client, default);
        Assert.Equal(2, dns.Asked.Count);
    }

    [Fact]
    public async Task Not_listed_is_remembered_for_the_negative_cache_time_and_failures_not_at_all()
    {
        var clock = new ManualTimeProvider();
        var status = DnsStatus.NameNotFound;
        var dns = new ScriptedResolver(_ => new DnsResult<IPAddress>(status, []));
        var checker = Checker(dns, clock, o =>
        {
            o.BlockLists.Add(DnsListZone.Parse("bl.test"));
            o.NegativeCacheTime = TimeSpan.FromMinutes(2);
        });

        Assert.Equal(DnsListOutcome.NotListed, (await checker.CheckAsync(Client, default)).Kind);
        clock.Advance(TimeSpan.FromMinutes(1));
        await checker.CheckAsync(Client, default);
        Assert.Single(dns.Asked);
        clock.Advance(TimeSpan.FromMinutes(1));

        status = DnsStatus.TemporaryFailure;
        Assert.Equal(DnsListOutcome.NotListed, (await checker.CheckAsync(Client, default)).Kind);
        Assert.Equal(DnsListOutcome.NotListed, (await checker.CheckAsync(Client, default)).Kind);
        Assert.Equal(3, dns.Asked.Count);
    }

    [Fact]
    public async Task An_allow_list_wins_over_a_block_list()
    {
        var dns = new ScriptedResolver(_ => new DnsResult<IPAddress>(DnsStatus.Success, [new DnsRecord<IPAddress>(IPAddress.Parse("127.0.0.2"), TimeSpan.FromSeconds(60))]));
        var checker = Checker(dns, TimeProvider.System, o =>
        {
            o.BlockLists.Add(DnsListZone.Parse("bl.test"));
            o.AllowLists.Add(DnsListZone.Parse("wl.test"));
        });

        var verdict = await checker.CheckAsync(Client, default);
        Assert.Equal(DnsListOutcome.Allowed, verdict.Kind);
        Assert.Equal("wl.test", verdict.Zone!.Zone);
    }

    [Fact]
    public async Task Garbage_answers_many_records_outside_127_8_and_a_resolver_that_throws_list_nobody()
    {
        var garbage = Enumerable.Range(0, 5000).Select(i => new DnsRecord<IPAddress>(new IPAddress(new byte[] { 10, 0, (byte)(i >> 8), (byte)i }), TimeSpan.MaxValue)).ToList();
        var dns = new ScriptedResolver(name => name.EndsWith("garbage.test", StringComparison.Ordinal)
            ? new DnsResult<IPAddress>(DnsStatus.Success, [.. garbage, new DnsRecord<IPAddress>(IPAddress.Parse("2001:db8::2"), TimeSpan.Zero)])
            : throw new InvalidOperationException("broken resolver"));
        var checker = Checker(dns, TimeProvider.System, o =>
        {
            o.BlockLists.Add(DnsListZone.Parse("garbage.test"));
            o.BlockLists.Add(DnsListZone.Parse("broken.test"));
        });

        Assert.Equal(DnsListOutcome.NotListed, (await checker.CheckAsync(Client, default)).Kind);
    }

    [Fact]
    public async Task A_resolver_that_never_answers_and_ignores_cancellation_is_waited_for_only_until_the_time_limit()
    {
        var clock = new ManualTimeProvider();
        var never = new TaskCompletionSource<DnsResult<IPAddress>>();
        var answered = new ScriptedResolver(_ => new DnsResult<IPAddress>(DnsStatus.Success, [new DnsRecord<IPAddress>(IPAddress.Parse("127.0.0.2"), TimeSpan.FromSeconds(60))]));
        var dns = new ScriptedResolver(name => name.EndsWith("hang.test", StringComparison.Ordinal) ? never.Task : answered.ResolveAddressesAsync(name, default).AsTask());
        var checker = Checker(dns, clock, o =>
        {
            o.BlockLists.Add(DnsListZone.Parse("hang.test"));
            o.BlockLists.Add(DnsListZone.Parse("bl.test"));
            o.DnsTimeout = TimeSpan.FromSeconds(3);
        });

        var check = checker.CheckAsync(Client, default);
        await clock.WaitForArmedAsync(d => d == TimeSpan.FromSeconds(3));
        Assert.False(check.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(3));

        // The list that answered still counts; the one that hung does not block by itself.
        var verdict = await check.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(DnsListOutcome.Blocked, verdict.Kind);
        Assert.Equal("bl.test", verdict.Zone!.Zone);
    }

    private static DnsListChecker Checker(IDnsResolver dns, TimeProvider clock, Action<ScreeningOptions> configure)
    {
        var options = new ScreeningOptions();
        configure(options);
        return new DnsListChecker(dns, options, clock, NullLogger.Instance);
    }

    /// <summary>A resolver whose A lookups the test scripts; it records the names asked.</summary>
    private sealed class ScriptedResolver : IDnsResolver
    {
        private readonly Func<string, Task<DnsResult<IPAddress>>> _answer;

        public ScriptedResolver(Func<string, DnsResult<IPAddress>> answer) => _answer = name => Task.FromResult(answer(name));

        public ScriptedResolver(Func<string, Task<DnsResult<IPAddress>>> answer) => _answer = answer;

        public List<string> Asked { get; } = [];

        public ValueTask<DnsResult<IPAddress>> ResolveAddressesAsync(string host, CancellationToken cancellationToken)
        {
            lock (Asked)
            {
                Asked.Add(host);
            }

            return new(_answer(host));
        }

        public ValueTask<DnsResult<MxRecord>> ResolveMxAsync(string domain, CancellationToken cancellationToken) => throw new NotSupportedException();

        public ValueTask<DnsResult<string>> ResolveTxtAsync(string name, CancellationToken cancellationToken) => throw new NotSupportedException();

        public ValueTask<DnsResult<string>> ResolvePtrAsync(IPAddress address, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
