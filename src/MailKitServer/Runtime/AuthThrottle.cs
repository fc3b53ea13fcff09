using System.Net;
using System.Net.Sockets;
using MailKitServer.Diagnostics;
using MailKitServer.Users;
using Microsoft.Extensions.Logging;

namespace MailKitServer.Runtime;

/// <summary>
/// Slows down password guessing, per account and per client address at once, for every protocol of a server, while
/// right passwords pass at once however many connections present them together. Each account and each address has a
/// bucket of turns (<see cref="MailServerOptions.AuthFailuresBeforeDelay"/>,
/// <see cref="MailServerOptions.AddressAuthFailuresBeforeDelay"/>); a wrong password uses one up for good, a right one
/// gives its turn back. Used turns come back one per delay, the delay doubling with each failure past the burst up to
/// <see cref="MailServerOptions.MaxAuthFailureDelay"/>. An attempt being checked holds a turn until its outcome is known,
/// so parallel connections cannot have more guesses under way than the bucket could pay for; an attempt without a
/// turn waits for one (a check under way ending, or a turn coming back) and is refused as a temporary failure, without a
/// check, when none comes within the longest delay. An account's failures are cleared only by a success of that account;
/// an address's are never cleared by a success (a valid account of the attacker's own must not reset them). Entries
/// are forgotten after a quiet quarter of an hour. IPv6 counts per /64.
/// </summary>
internal sealed class AuthThrottle
{
    private const int MaxEntries = 100_000;
    private const int MaxUserNameInLog = 64;
    private static readonly TimeSpan Expiry = TimeSpan.FromMinutes(15);
    private static readonly TimeSpan Never = TimeSpan.MaxValue;
    private readonly Dictionary<IPAddress, Entry> _addresses = [];
    private readonly Dictionary<string, Entry> _accounts = new(StringComparer.Ordinal);

    /// <summary>Per address or account with attempts waiting for a check under way: completed when one ends.</summary>
    private readonly Dictionary<object, TaskCompletionSource> _released = [];
    private readonly MailServerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Creates a throttle.</summary>
    /// <param name="options">The options with the thresholds.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="logger">Receives a warning for every failed authentication (what fail2ban reads), or none.</param>
    public AuthThrottle(MailServerOptions options, TimeProvider timeProvider, ILogger? logger = null)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _time = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        _logger = logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
    }

    private int AccountCapacity => Math.Max(1, _options.AuthFailuresBeforeDelay);

    private int AddressCapacity => Math.Max(1, _options.AddressAuthFailuresBeforeDelay);

    /// <summary>
    /// A view of a directory for one client address whose password checks and key lookups (PLAIN, LOGIN, USER/PASS,
    /// IMAP LOGIN, CRAM-MD5, SCRAM) first take their turn; a refused attempt answers as a temporary failure (no keys
    /// for CRAM-MD5 and SCRAM) without asking the directory.
    /// </summary>
    /// <param name="directory">The server's directory, asked only for attempts that got their turn.</param>
    /// <param name="address">The client address.</param>
    /// <returns>The guarded directory.</returns>
    public IUserDirectory Guard(IUserDirectory directory, IPAddress address) => new GuardedDirectory(directory, this, address);

    /// <summary>
    /// Takes a turn for an attempt to authenticate, before its credentials are checked, waiting for one if need be (at
    /// most <see cref="MailServerOptions.MaxAuthFailureDelay"/>). The turn must be ended with <see cref="EndTurn"/>.
    /// </summary>
    /// <param name="address">The client address.</param>
    /// <param name="userName">The user name given, when known.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The turn, or <see langword="null"/> when the attempt must be refused without a check.</returns>
    public async ValueTask<AuthTurn?> TakeTurnAsync(IPAddress address, string? userName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        var addressKey = AddressKey(address);
        var accountKey = userName is null ? null : AccountKey(userName);
        var deadline = _time.GetUtcNow() + _options.MaxAuthFailureDelay;
        while (true)
        {
            Task? released;
            TimeSpan wait;
            lock (_accounts)
            {
                var now = _time.GetUtcNow();
                var byAddress = Refreshed(_addresses, addressKey, AddressCapacity, now);
                var byAccount = accountKey is null ? null : Refreshed(_accounts, accountKey, AccountCapacity, now);
                if (byAddress.Free >= 1 && (byAccount is null || byAccount.Free >= 1))
                {
                    Admit(_addresses, addressKey, byAddress, now);
                    if (byAccount is not null)
                    {
                        Admit(_accounts, accountKey!, byAccount, now);
                    }

                    return new AuthTurn(addressKey, accountKey);
                }

                (wait, released) = Blocked(byAddress, addressKey, AddressCapacity, TimeSpan.Zero, null);
                if (byAccount is not null)
                {
                    (wait, released) = Blocked(byAccount, accountKey!, AccountCapacity, wait, released);
                }

                // An attempt never waits past the longest delay: one that cannot get a turn by then is refused now
                // rather than holding its connection.
                var left = deadline - now;
                if (left <= TimeSpan.Zero || (released is null && wait > left))
                {
                    return null;
                }

                wait = wait < left ? wait : left;
            }

            await WaitAsync(released, wait, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Ends a turn: gives it back, or charges the failure, and lets the attempts waiting for it go on.</summary>
    /// <param name="turn">The turn from <see cref="TakeTurnAsync"/>.</param>
    /// <param name="outcome">How the attempt went.</param>
    public void EndTurn(AuthTurn turn, AuthTurnOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(turn);
        if (!turn.TryEnd())
        {
            return;
        }

        lock (_accounts)
        {
            var now = _time.GetUtcNow();
            End(_addresses, turn.AddressKey, AddressCapacity, outcome, now);
            if (turn.AccountKey is not null)
            {
                End(_accounts, turn.AccountKey, AccountCapacity, outcome, now);
            }
        }
    }

    /// <summary>
    /// Logs a failed authentication at Warning, with the client address and the user name (what fail2ban reads). An
    /// attempt that took its turn was charged when the turn ended; a failure that took none (an engine that checks
    /// credentials itself) is charged now.
    /// </summary>
    /// <param name="address">The client address.</param>
    /// <param name="userName">The user name given (it may name no user), or <see langword="null"/> when the client never gave one.</param>
    /// <param name="protocol">The protocol, for the log (smtp, pop3, imap).</param>
    /// <param name="tookTurn">Whether the attempt took a turn (through <see cref="Guard"/> or <see cref="TakeTurnAsync"/>).</param>
    public void RecordFailure(IPAddress address, string? userName, string protocol, bool tookTurn = true)
    {
        ArgumentNullException.ThrowIfNull(address);
        RuntimeLog.AuthenticationFailed(_logger, ForLog(userName), address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address, protocol);
        lock (_accounts)
        {
            var now = _time.GetUtcNow();
            var account = userName is null ? null : Current(_accounts, AccountKey(userName), now);
            if (tookTurn)
            {
                // A key lookup's failure was charged in advance: it stays charged, and is no longer one to take back.
                if (account is { Charged: > 0 })
                {
                    account.Charged--;
                    Release(AccountKey(userName!));
                }

                return;
            }

            var addressKey = AddressKey(address);
            var byAddress = Refreshed(_addresses, addressKey, AddressCapacity, now);
            Charge(byAddress, now);
            Store(_addresses, addressKey, byAddress, now);
            if (userName is not null)
            {
                var key = AccountKey(userName);
                var entry = Refreshed(_accounts, key, AccountCapacity, now);
                Charge(entry, now);
                Store(_accounts, key, entry, now);
            }
        }
    }

    /// <summary>
    /// Clears the account after its successful authentication. The address is not cleared: it only gets back the
    /// failure charged in advance for this attempt's key lookup, if any.
    /// </summary>
    /// <param name="address">The client address.</param>
    /// <param name="userName">The user name given.</param>
    /// <param name="userId">The user id it resolved to.</param>
    public void RecordSuccess(IPAddress address, string userName, string userId)
    {
        ArgumentNullException.ThrowIfNull(address);
        lock (_accounts)
        {
            var now = _time.GetUtcNow();
            var nameKey = AccountKey(userName);
            if (Current(_accounts, nameKey, now) is { Charged: > 0 } byName)
            {
                byName.Charged--;
                if (Current(_addresses, AddressKey(address), now) is { } byAddress)
                {
                    byAddress.Failures = Math.Max(0, byAddress.Failures - 1);
                    byAddress.Tokens = Math.Min(AddressCapacity, byAddress.Tokens + 1);
                    Release(AddressKey(address));
                }
            }

            Clear(nameKey, now);
            Clear(AccountKey(userId), now);
        }
    }

    /// <summary>How many failures an address has now (0 when unknown or forgotten), for tests and diagnostics.</summary>
    /// <param name="address">The client address.</param>
    /// <returns>The count.</returns>
    public int FailuresOf(IPAddress address)
    {
        lock (_accounts)
        {
            return Current(_addresses, AddressKey(address), _time.GetUtcNow())?.Failures ?? 0;
        }
    }

    /// <summary>How many failures an account has now (0 when unknown, forgotten or cleared by a success).</summary>
    /// <param name="userName">The user name.</param>
    /// <returns>The count.</returns>
    public int FailuresOf(string userName)
    {
        lock (_accounts)
        {
            return Current(_accounts, AccountKey(userName), _time.GetUtcNow())?.Failures ?? 0;
        }
    }

    private static string AccountKey(string userName) => userName.Trim().ToLowerInvariant();

    /// <summary>IPv4 as it is (also when mapped into IPv6); IPv6 by its /64, which one host usually controls whole.</summary>
    private static IPAddress AddressKey(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address;
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes);
    }

    /// <summary>The user name as logged: control characters and quotes escaped, length capped (it comes from the client).</summary>
    private static string ForLog(string? userName)
    {
        if (userName is null)
        {
            return "(none)";
        }

        var sb = new System.Text.StringBuilder(Math.Min(userName.Length, MaxUserNameInLog) + 8);
        foreach (var c in userName.Length > MaxUserNameInLog ? userName[..MaxUserNameInLog] : userName)
        {
            sb.Append(char.IsControl(c) || c is '"' or '\\' ? $"\\x{(int)c:x2}" : c.ToString());
        }

        return userName.Length > MaxUserNameInLog ? sb.Append("...").ToString() : sb.ToString();
    }

    private static Entry? Current<TKey>(Dictionary<TKey, Entry> table, TKey key, DateTimeOffset now)
        where TKey : notnull =>
        table.TryGetValue(key, out var e) && (e.InFlight > 0 || now - e.Last <= Expiry) ? e : null;

    /// <summary>Waits for a check under way to end (when one can help) or for the time a turn takes to come back.</summary>
    private async Task WaitAsync(Task? released, TimeSpan wait, CancellationToken cancellationToken)
    {
        if (released is null)
        {
            await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
            return;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        await Task.WhenAny(released, Task.Delay(wait, _time, stop.Token)).ConfigureAwait(false);
        await stop.CancelAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>
    /// What holds an attempt back, this key together with what the key before said: how long until enough turns come
    /// back (<see cref="Never"/> when only a check under way ending can free one), and the signal of such an ending.
    /// </summary>
    private (TimeSpan Wait, Task? Released) Blocked(Entry entry, object key, int capacity, TimeSpan otherWait, Task? otherReleased)
    {
        if (entry.Free >= 1)
        {
            return (otherWait, otherReleased);
        }

        // Turns come back up to the capacity only; past that, only an attempt under way ending frees one.
        var wait = entry.InFlight + 1 <= capacity ? Spacing(entry.Failures, capacity) * (1 - entry.Free) : Never;
        if (otherWait > wait)
        {
            wait = otherWait;
        }

        // A check under way may give its turn back; so may a key lookup charged in advance, when its proof succeeds.
        Task? released = otherReleased;
        if (entry.InFlight > 0 || entry.Charged > 0)
        {
            if (!_released.TryGetValue(key, out var signal))
            {
                signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _released[key] = signal;
            }

            released = released is null ? signal.Task : Task.WhenAny(released, signal.Task);
        }

        return (wait, released);
    }

    /// <summary>The key's entry with the turns that came back since it was last looked at (new when none or forgotten).</summary>
    private Entry Refreshed<TKey>(Dictionary<TKey, Entry> table, TKey key, int capacity, DateTimeOffset now)
        where TKey : notnull
    {
        if (Current(table, key, now) is not { } e)
        {
            return new Entry { Tokens = capacity, Refilled = now, Last = now };
        }

        var spacing = Spacing(e.Failures, capacity);
        var earned = spacing > TimeSpan.Zero ? (now - e.Refilled) / spacing : capacity;
        e.Tokens = Math.Min(capacity, e.Tokens + earned);
        e.Refilled = now;
        return e;
    }

    private static void Admit<TKey>(Dictionary<TKey, Entry> table, TKey key, Entry entry, DateTimeOffset now)
        where TKey : notnull
    {
        entry.InFlight++;
        Store(table, key, entry, now);
    }

    private void End<TKey>(Dictionary<TKey, Entry> table, TKey key, int capacity, AuthTurnOutcome outcome, DateTimeOffset now)
        where TKey : notnull
    {
        var entry = Refreshed(table, key, capacity, now);
        entry.InFlight = Math.Max(0, entry.InFlight - 1);
        if (outcome is AuthTurnOutcome.Failed or AuthTurnOutcome.Charged)
        {
            Charge(entry, now);
            if (outcome == AuthTurnOutcome.Charged)
            {
                entry.Charged++;
            }
        }

        Store(table, key, entry, now);
        Release(key);
    }

    private static void Charge(Entry entry, DateTimeOffset now)
    {
        entry.Tokens--;
        entry.Failures++;
        entry.Last = now;
    }

    /// <summary>
    /// A success of the account: its failures and turns are as new; attempts under way, and key lookups charged in
    /// advance (each gives the address its charge back when it succeeds), stay counted.
    /// </summary>
    private void Clear(string key, DateTimeOffset now)
    {
        if (_accounts.TryGetValue(key, out var e))
        {
            e.Failures = 0;
            e.Tokens = AccountCapacity;
            e.Refilled = now;
            e.Last = now;
            Release(key);
        }
    }

    /// <summary>Wakes the attempts waiting on a key for a check under way to end.</summary>
    private void Release(object key)
    {
        if (_released.Remove(key, out var signal))
        {
            signal.TrySetResult();
        }
    }

    private static void Store<TKey>(Dictionary<TKey, Entry> table, TKey key, Entry entry, DateTimeOffset now)
        where TKey : notnull
    {
        entry.Last = now;
        table[key] = entry;
        Bound(table, now);
    }

    /// <summary>How long a turn takes to come back: the delay for the failures past the free ones, at least the base delay.</summary>
    private TimeSpan Spacing(int failures, int free)
    {
        var over = Math.Max(failures - free, 0);
        var delay = _options.AuthFailureDelay * Math.Pow(2, Math.Min(over, 16));
        return delay > _options.MaxAuthFailureDelay ? _options.MaxAuthFailureDelay : delay;
    }

    /// <summary>
    /// Keeps a table bounded when names or addresses are sprayed: forgotten entries go first, then those without
    /// failures (a full bucket is the same as none), then the oldest; never one with a check under way.
    /// </summary>
    private static void Bound<TKey>(Dictionary<TKey, Entry> table, DateTimeOffset now)
        where TKey : notnull
    {
        if (table.Count <= MaxEntries)
        {
            return;
        }

        foreach (var key in table.Where(kv => kv.Value.InFlight == 0 && (now - kv.Value.Last > Expiry || kv.Value.Failures == 0)).Select(kv => kv.Key).ToList())
        {
            table.Remove(key);
        }

        if (table.Count > MaxEntries * 3 / 4)
        {
            foreach (var key in table.Where(kv => kv.Value.InFlight == 0).OrderBy(kv => kv.Value.Last).Take(table.Count - (MaxEntries * 3 / 4)).Select(kv => kv.Key).ToList())
            {
                table.Remove(key);
            }
        }
    }

    /// <summary>
    /// A bucket of turns: how many are left, when turns last came back, the failures, the checks under way, the key
    /// lookups charged in advance, the last attempt.
    /// </summary>
    private sealed class Entry
    {
        public double Tokens { get; set; }

        public DateTimeOffset Refilled { get; set; }

        public int Failures { get; set; }

        public int InFlight { get; set; }

        public int Charged { get; set; }

        public DateTimeOffset Last { get; set; }

        /// <summary>Turns that no check under way holds.</summary>
        public double Free => Tokens - InFlight;
    }

    private sealed class GuardedDirectory(IUserDirectory inner, AuthThrottle throttle, IPAddress address) : IUserDirectory
    {
        public async ValueTask<AuthenticationResult> AuthenticateAsync(string userName, string password, CancellationToken cancellationToken)
        {
            if (await throttle.TakeTurnAsync(address, userName, cancellationToken).ConfigureAwait(false) is not { } turn)
            {
                return AuthenticationResult.TemporaryFailure;
            }

            var outcome = AuthTurnOutcome.Unchecked;
            try
            {
                var result = await inner.AuthenticateAsync(userName, password, cancellationToken).ConfigureAwait(false);
                outcome = result.Succeeded ? AuthTurnOutcome.Succeeded : result.IsTemporaryFailure ? AuthTurnOutcome.Unchecked : AuthTurnOutcome.Failed;
                return result;
            }
            finally
            {
                throttle.EndTurn(turn, outcome);
            }
        }

        public ValueTask<ScramCredentials?> GetScramCredentialsAsync(string userName, CancellationToken cancellationToken) =>
            LookUpAsync(userName, inner.GetScramCredentialsAsync, cancellationToken);

        public ValueTask<CramMd5Credentials?> GetCramMd5CredentialsAsync(string userName, CancellationToken cancellationToken) =>
            LookUpAsync(userName, inner.GetCramMd5CredentialsAsync, cancellationToken);

        public ValueTask<RecipientResolution> ResolveAsync(Addresses.MailAddress address, CancellationToken cancellationToken) => inner.ResolveAsync(address, cancellationToken);

        public ValueTask<bool> IsLocalDomainAsync(string domain, CancellationToken cancellationToken) => inner.IsLocalDomainAsync(domain, cancellationToken);

        /// <summary>
        /// A key lookup for a mechanism that checks the client's proof itself later: charged as a failure in advance
        /// (an unknown user is a plain failure), taken back by <see cref="RecordSuccess"/>.
        /// </summary>
        private async ValueTask<T?> LookUpAsync<T>(string userName, Func<string, CancellationToken, ValueTask<T?>> lookUp, CancellationToken cancellationToken)
            where T : class
        {
            if (await throttle.TakeTurnAsync(address, userName, cancellationToken).ConfigureAwait(false) is not { } turn)
            {
                return null;
            }

            var outcome = AuthTurnOutcome.Unchecked;
            try
            {
                var keys = await lookUp(userName, cancellationToken).ConfigureAwait(false);
                outcome = keys is null ? AuthTurnOutcome.Failed : AuthTurnOutcome.Charged;
                return keys;
            }
            finally
            {
                throttle.EndTurn(turn, outcome);
            }
        }
    }
}
