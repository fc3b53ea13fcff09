using System.Net;
using MailKitServer.Addresses;
using MailKitServer.Smtp.Screening.Greylisting;
using MailKitServer.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;

namespace MailKitServer.Smtp.Tests.Screening;

/// <summary>The greylisting decision on a clock the test moves (RFC 6647 §2.2).</summary>
public class GreylistTests
{
    private static readonly MailAddress Sender = MailAddress.Create("alice", "sender.test");
    private static readonly MailAddress Bob = MailAddress.Create("bob", "example.test");

    [Fact]
    public async Task A_first_attempt_waits_the_delay_an_early_retry_is_told_what_is_left_and_a_later_one_passes_for_good()
    {
        var clock = new ManualTimeProvider();
        var store = new InMemoryGreylistStore();
        var greylist = new Greylist(new GreylistOptions { Delay = TimeSpan.FromMinutes(5), Store = store }, clock, NullLogger.Instance);
        var client = IPAddress.Parse("192.0.2.10");

        Assert.Equal(TimeSpan.FromMinutes(5), await greylist.CheckAsync(client, Sender, Bob, default));
        clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(TimeSpan.FromMinutes(3), await greylist.CheckAsync(client, Sender, Bob, default));
        clock.Advance(TimeSpan.FromMinutes(3));

        // A farm's other address in the same /24 retries: it passes, and the triplet keeps passing.
        Assert.Null(await greylist.CheckAsync(IPAddress.Parse("192.0.2.99"), Sender, Bob, default));
        clock.Advance(TimeSpan.FromDays(30));
        Assert.Null(await greylist.CheckAsync(client, Sender, Bob, default));

        // Another sender, another recipient, another network, the null sender: each its own triplet.
        Assert.NotNull(await greylist.CheckAsync(client, MailAddress.Create("carol", "sender.test"), Bob, default));
        Assert.NotNull(await greylist.CheckAsync(client, Sender, MailAddress.Create("alice", "example.test"), default));
        Assert.NotNull(await greylist.CheckAsync(IPAddress.Parse("192.0.3.10"), Sender, Bob, default));
        Assert.NotNull(await greylist.CheckAsync(client, null, Bob, default));

        // Case does not make a new triplet.
        Assert.Null(await greylist.CheckAsync(client, MailAddress.Create("ALICE", "Sender.Test"), MailAddress.Create("Bob", "EXAMPLE.test"), default));
    }

    [Fact]
    public async Task A_retry_after_the_retry_window_starts_over_and_a_passed_triplet_unused_for_its_lifetime_is_forgotten()
    {
        var clock = new ManualTimeProvider();
        var greylist = new Greylist(new GreylistOptions { Delay = TimeSpan.FromMinutes(1), RetryWindow = TimeSpan.FromHours(1), PassLifetime = TimeSpan.FromDays(1), ClientPassesToSkip = 0 }, clock, NullLogger.Instance);
        var client = IPAddress.Parse("2001:db8:1:2::10");

        Assert.NotNull(await greylist.CheckAsync(client, Sender, Bob, default));
        clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal(TimeSpan.FromMinutes(1), await greylist.CheckAsync(client, Sender, Bob, default));
        clock.Advance(TimeSpan.FromMinutes(1));

        // Another address of the same /64.
        Assert.Null(await greylist.CheckAsync(IPAddress.Parse("2001:db8:1:2::99"), Sender, Bob, default));
        clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(TimeSpan.FromMinutes(1), await greylist.CheckAsync(client, Sender, Bob, default));
    }

    [Fact]
    public async Task After_enough_passes_a_client_network_skips_greylisting()
    {
        var clock = new ManualTimeProvider();
        var greylist = new Greylist(new GreylistOptions { Delay = TimeSpan.FromMinutes(1), ClientPassesToSkip = 2 }, clock, NullLogger.Instance);
        var client = IPAddress.Parse("198.51.100.7");
        for (var i = 0; i < 2; i++)
        {
            var recipient = MailAddress.Create($"user{i}", "example.test");
            Assert.NotNull(await greylist.CheckAsync(client, Sender, recipient, default));
            clock.Advance(TimeSpan.FromMinutes(1));
            Assert.Null(await greylist.CheckAsync(client, Sender, recipient, default));
        }

        Assert.Null(await greylist.CheckAsync(client, MailAddress.Create("new", "sender.test"), MailAddress.Create("new", "example.test"), default));
        Assert.NotNull(await greylist.CheckAsync(IPAddress.Parse("198.51.101.7"), Sender, Bob, default));
    }

    [Fact]
    public async Task A_store_that_fails_lets_the_mail_through()
    {
        var greylist = new Greylist(new GreylistOptions { Store = new BrokenStore() }, TimeProvider.System, NullLogger.Instance);
        Assert.Null(await greylist.CheckAsync(IPAddress.Loopback, Sender, Bob, default));
    }

    private sealed class BrokenStore : IGreylistStore
    {
        public ValueTask<GreylistEntry?> FindAsync(string key, CancellationToken cancellationToken) => throw new IOException("disk gone");

        public ValueTask SaveAsync(GreylistEntry entry, CancellationToken cancellationToken) => throw new IOException("disk gone");
    }
}
