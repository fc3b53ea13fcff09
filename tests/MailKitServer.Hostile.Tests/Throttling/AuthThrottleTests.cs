using System.Net;
using MailKitServer.Hostile.Tests.Support;
using MailKitServer.Runtime;
using MailKitServer.TestSupport;
using MailKitServer.Users.InMemory;
using Xunit.Abstractions;

namespace MailKitServer.Hostile.Tests.Throttling;

/// <summary>
/// Issue 15 item 7, the throttle itself on a clock the test moves: a success for bob no longer clears alice's
/// failures, parallel wrong guesses share the same turns, parallel right passwords all pass at once (they used to be
/// charged as failures while under way, so a client opening many connections was refused), and the figures (guesses
/// per minute per account and per address) for an attacker that always has twenty attempts ready.
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
            await GuessAsync(throttle, Attacker, "alice", AuthTurnOutcome.Failed);
        }

        await GuessAsync(throttle, Attacker, "bob", AuthTurnOutcome.Succeeded);
        throttle.RecordSuccess(Attacker, "bob", "bob");

        Assert.Equal(3, throttle.FailuresOf("alice"));
        Assert.Equal(3, throttle.FailuresOf(Attacker));
        var fourth = throttle.TakeTurnAsync(Attacker, "alice", default).AsTask();
        Assert.False(fourth.IsCompleted, "alice's fourth guess waits for its turn");
        await Task.Run(() => time.Advance(TimeSpan.FromSeconds(1)));
        Assert.NotNull(await fourth);

        // Only alice's own success clears her count.
        throttle.RecordSuccess(Attacker, "Alice", "alice");
        Assert.Equal(0, throttle.FailuresOf("alice"));
    }

    [Fact]
    public Task Parallel_wrong_guesses_share_the_same_turns_and_those_left_waiting_too_long_are_refused() => Task.Run(async () =>
    {
        var time = new ManualTimeProvider();
        var throttle = new AuthThrottle(new MailServerOptions(), time);
        for (var i = 0; i < 3; i++)
        {
            await GuessAsync(throttle, IPAddress.Parse($"198.51.100.{i + 1}"), "alice", AuthTurnOutcome.Failed);
        }

        // Fifty connections from fifty addresses guess at once. Each check fails; a turn comes back after 1, 2, 4 and
        // 8 s (the delay doubling with each failure); the next would come 16 s after the fourth, past the longest
        // delay (30 s) the others have waited, so they are refused then, unchecked.
        var admittedAt = new List<int>();
        var second = 0;
        var attempts = Enumerable.Range(0, 50).Select(async i =>
        {
            var turn = await throttle.TakeTurnAsync(IPAddress.Parse($"203.0.113.{i + 1}"), "alice", default);
            if (turn is null)
            {
                return false;
            }

            admittedAt.Add(second);
            throttle.EndTurn(turn, AuthTurnOutcome.Failed);
            return true;
        }).ToList();
        Assert.DoesNotContain(attempts, a => a.IsCompleted);
        for (second = 1; second <= 30 && !attempts.All(a => a.IsCompleted); second++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
        }

        var admitted = await Task.WhenAll(attempts);
        Assert.Equal([1, 3, 7, 15], admittedAt);
        Assert.Equal(46, admitted.Count(a => !a));
        Assert.Equal(7, throttle.FailuresOf("alice"));
    });

    [Fact]
    public async Task A_hundred_parallel_right_passwords_of_one_account_all_pass_without_the_clock_moving()
    {
        // What a client with many connections (imaptest, a sync tool, a pool of test clients) does at start.
        var time = new ManualTimeProvider();
        var throttle = new AuthThrottle(new MailServerOptions(), time);
        var directory = new GatedPasswordDirectory();
        var guarded = throttle.Guard(directory, IPAddress.Loopback);
        var logins = Enumerable.Range(0, 100).Select(_ => guarded.AuthenticateAsync("bob", "bob", default).AsTask()).ToList();

        // As many checks are under way at once as the account could afford to see fail (3), no more.
        await directory.WaitForUnderWayAsync(3);
        Assert.Equal(3, directory.UnderWay);
        directory.Open();
        var results = await Task.WhenAll(logins);
        Assert.All(results, r => Assert.True(r.Succeeded));
        Assert.Equal(3, directory.MostAtOnce);
        Assert.Equal(0, throttle.FailuresOf(IPAddress.Loopback));
        Assert.Equal(0, time.ArmedTimers);
    }

    [Fact]
    public Task Wrong_guesses_under_way_hold_the_right_password_back_only_until_they_fail() => Task.Run(async () =>
    {
        var time = new ManualTimeProvider();
        var throttle = new AuthThrottle(new MailServerOptions(), time);
        var directory = new GatedPasswordDirectory();
        var attacker = throttle.Guard(directory, Attacker);
        var owner = throttle.Guard(directory, IPAddress.Parse("198.51.100.9"));
        var guesses = Enumerable.Range(0, 3).Select(i => attacker.AuthenticateAsync("carol", "guess" + i, default).AsTask()).ToList();
        await directory.WaitForUnderWayAsync(3);

        // The owner's login waits: the three guesses under way may all fail and use up carol's turns.
        var login = owner.AuthenticateAsync("carol", "lorac", default).AsTask();
        Assert.False(login.IsCompleted);
        directory.Open();
        Assert.All(await Task.WhenAll(guesses), r => Assert.False(r.Succeeded));

        // They did: the owner waits for the turn that comes back a second later, and gets in.
        Assert.False(login.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True((await login).Succeeded);
    });

    [Fact]
    public async Task A_key_lookup_is_charged_in_advance_and_given_back_by_the_success()
    {
        var time = new ManualTimeProvider();
        var throttle = new AuthThrottle(new MailServerOptions(), time);
        var users = new InMemoryUserDirectory().AddDomain("example.test");
        users.AddUser("dave@example.test", "dave-pw");
        var guarded = throttle.Guard(users, Attacker);

        Assert.NotNull(await guarded.GetScramCredentialsAsync("dave@example.test", default));
        Assert.Equal(1, throttle.FailuresOf(Attacker));
        throttle.RecordSuccess(Attacker, "dave@example.test", "dave@example.test");
        Assert.Equal(0, throttle.FailuresOf(Attacker));

        // A failed proof keeps the charge, and is not charged twice.
        Assert.NotNull(await guarded.GetScramCredentialsAsync("dave@example.test", default));
        throttle.RecordFailure(Attacker, "dave@example.test", "imap");
        Assert.Equal(1, throttle.FailuresOf(Attacker));
        Assert.Equal(1, throttle.FailuresOf("dave@example.test"));

        // An unknown user's lookup is a plain failure.
        Assert.Null(await guarded.GetCramMd5CredentialsAsync("nobody@example.test", default));
        Assert.Equal(2, throttle.FailuresOf(Attacker));
    }

    [Fact]
    public async Task IPv6_addresses_count_per_64_network()
    {
        var time = new ManualTimeProvider();
        var throttle = new AuthThrottle(new MailServerOptions { AddressAuthFailuresBeforeDelay = 2 }, time);
        await GuessAsync(throttle, IPAddress.Parse("2001:db8:1:2::1"), null, AuthTurnOutcome.Failed);
        await GuessAsync(throttle, IPAddress.Parse("2001:db8:1:2:ffff::9"), null, AuthTurnOutcome.Failed);
        Assert.Equal(2, throttle.FailuresOf(IPAddress.Parse("2001:db8:1:2::77")));
        Assert.False(throttle.TakeTurnAsync(IPAddress.Parse("2001:db8:1:2::5"), null, default).AsTask().IsCompleted, "the third attempt from the same /64 waits");
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

        // And the attacker is not shut out either: it keeps getting the turns that come back.
        Assert.All(perAccount.Skip(1), n => Assert.True(n >= 1, $"then {n} a minute"));
    }

    private static async Task GuessAsync(AuthThrottle throttle, IPAddress address, string? user, AuthTurnOutcome outcome)
    {
        var turn = await throttle.TakeTurnAsync(address, user, default);
        Assert.NotNull(turn);
        throttle.EndTurn(turn, outcome);
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
                if (await throttle.TakeTurnAsync(target.Address, target.User, default).ConfigureAwait(false) is { } turn)
                {
                    perMinute[(int)((time.GetUtcNow() - start).TotalMinutes)]++;
                    throttle.EndTurn(turn, AuthTurnOutcome.Failed);
                    throttle.RecordFailure(target.Address, target.User, "imap");
                    return;
                }

                await Task.Delay(TimeSpan.FromSeconds(1), time).ConfigureAwait(false);
            }
        }
    }
}
