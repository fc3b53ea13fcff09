using System.Net;
using MailKitServer.Runtime;
using MailKitServer.TestSupport;
using Xunit.Abstractions;

namespace MailKitServer.Hostile.Tests.Throttling;

/// <summary>
/// Issue 15 item 7, the throttle itself on a clock the test moves: a success for bob no longer clears alice's
/// failures, parallel attempts queue for the same turns, and the figures (guesses per minute per account and per
/// address) for an attacker that always has twenty attempts ready.
/// </summary>
public sealed class AuthThrottleTests(ITestOutputHelper output)
{
    private static readonly IPAddress Attacker = IPAddress.Parse("192.0.2.7");

    [Fact]
    public async Task A_success_for_bob_from_the_same_address_does_not_clear_alices_failures()
    {
        var time = new ManualTimeProvider();
        var throttle = new AuthThrottle(new MailServerOptions(), time);
        for (var i = 0; i < 3; i++)
        {
            Assert.True(await throttle.WaitTurnAsync(Attacker, "alice", default));
            throttle.RecordFailure(Attacker, "alice", "imap");
        }

        Assert.True(await throttle.WaitTurnAsync(Attacker, "bob", default));
        throttle.RecordSuccess(Attacker, "bob", "bob");

        Assert.Equal(3, throttle.FailuresOf("alice"));
        var fourth = throttle.WaitTurnAsync(Attacker, "alice", default).AsTask();
        Assert.False(fourth.IsCompleted, "alice's fourth guess waits for its turn");
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(await fourth);

        // Only alice's own success clears her count.
        throttle.RecordSuccess(Attacker, "Alice", "alice");
        Assert.Equal(0, throttle.FailuresOf("alice"));
    }

    [Fact]
    public async Task Parallel_attempts_queue_for_the_same_turns_and_those_too_far_away_are_refused()
    {
        var time = new ManualTimeProvider();
        var throttle = new AuthThrottle(new MailServerOptions(), time);
        for (var i = 0; i < 3; i++)
        {
            Assert.True(await throttle.WaitTurnAsync(IPAddress.Parse($"198.51.100.{i + 1}"), "alice", default));
        }

        // Fifty connections from fifty addresses guess at once: the account's queue lets through what fits in the
        // longest delay, its spacing doubling with each queued guess (1, 3, 7, 15 s), and refuses the rest at once.
        var attempts = Enumerable.Range(0, 50).Select(i => throttle.WaitTurnAsync(IPAddress.Parse($"203.0.113.{i + 1}"), "alice", default).AsTask()).ToList();
        var refused = attempts.Count(a => a.IsCompleted && !a.Result);
        Assert.Equal(46, refused);
        time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(4, (await Task.WhenAll(attempts)).Count(admitted => admitted));
    }

    [Fact]
    public async Task IPv6_addresses_count_per_64_network()
    {
        var time = new ManualTimeProvider();
        var throttle = new AuthThrottle(new MailServerOptions { AddressAuthFailuresBeforeDelay = 2 }, time);
        Assert.True(await throttle.WaitTurnAsync(IPAddress.Parse("2001:db8:1:2::1"), null, default));
        Assert.True(await throttle.WaitTurnAsync(IPAddress.Parse("2001:db8:1:2:ffff::9"), null, default));
        Assert.Equal(2, throttle.FailuresOf(IPAddress.Parse("2001:db8:1:2::77")));
        Assert.False(throttle.WaitTurnAsync(IPAddress.Parse("2001:db8:1:2::5"), null, default).AsTask().IsCompleted, "the third attempt from the same /64 waits");
        Assert.Equal(0, throttle.FailuresOf(IPAddress.Parse("2001:db8:1:3::1")));
    }

    [Fact]
    public async Task Guesses_per_minute_per_account_and_per_address_with_twenty_attempts_always_ready()
    {
        // One account attacked from many addresses; many accounts sprayed from one address.
        var perAccount = await SimulateAsync(i => (IPAddress.Parse($"203.0.113.{(i % 250) + 1}"), "alice"));
        var perAddress = await SimulateAsync(i => (Attacker, $"user{i}"));
        output.WriteLine($"one account, twenty connections from many addresses: guesses per minute {string.Join(", ", perAccount)}");
        output.WriteLine($"one address, twenty connections spraying accounts: guesses per minute {string.Join(", ", perAddress)}");

        // With the defaults (3 and 10 free, 1 s doubling to 30 s): a burst in the first minute, then 2 a minute.
        Assert.True(perAccount[0] <= 8, $"first minute {perAccount[0]}");
        Assert.All(perAccount.Skip(1), n => Assert.True(n <= 2, $"then {n} a minute"));
        Assert.True(perAddress[0] <= 15, $"first minute {perAddress[0]}");
        Assert.All(perAddress.Skip(1), n => Assert.True(n <= 2, $"then {n} a minute"));
    }

    /// <summary>
    /// Ten simulated minutes of twenty attempts always ready: each checks as soon as it gets its turn (and fails), a
    /// refused one tries again a second later. Returns how many were checked in each minute.
    /// </summary>
    private static Task<int[]> SimulateAsync(Func<int, (IPAddress Address, string User)> next) =>
        // Off the test's synchronization context, every continuation runs inline when the clock fires its timer: each
        // simulated second is settled before the next one starts.
        Task.Run(() => Simulate(next));

    private static async Task<int[]> Simulate(Func<int, (IPAddress Address, string User)> next)
    {
        var time = new ManualTimeProvider();
        var throttle = new AuthThrottle(new MailServerOptions(), time);
        var start = time.GetUtcNow();
        var perMinute = new int[10];
        var attempt = 0;
        var connections = new Task[20];
        for (var c = 0; c < connections.Length; c++)
        {
            connections[c] = Task.CompletedTask;
        }

        for (var second = 0; second < 600; second++)
        {
            for (var c = 0; c < connections.Length; c++)
            {
                if (connections[c].IsCompleted)
                {
                    await connections[c].ConfigureAwait(false);
                    connections[c] = GuessAsync(next(attempt++));
                }
            }

            time.Advance(TimeSpan.FromSeconds(1));
        }

        return perMinute;

        async Task GuessAsync((IPAddress Address, string User) target)
        {
            while (true)
            {
                if (await throttle.WaitTurnAsync(target.Address, target.User, default).ConfigureAwait(false))
                {
                    perMinute[(int)((time.GetUtcNow() - start).TotalMinutes)]++;
                    throttle.RecordFailure(target.Address, target.User, "imap");
                    return;
                }

                await Task.Delay(TimeSpan.FromSeconds(1), time).ConfigureAwait(false);
            }
        }
    }
}
