using System.Net;
using System.Net.Sockets;
using MailKitServer.Diagnostics;
using MailKitServer.Users;
using Microsoft.Extensions.Logging;

namespace MailKitServer.Runtime;

/// <summary>
/// Slows down password guessing, per account and per client address at once, for every protocol of a server. Every
/// check of a password (or lookup of the keys SCRAM and CRAM-MD5 check against) takes a turn first, and counts as a
/// failure until it succeeds. Each account and each address has a few turns to start with
/// (<see cref="MailServerOptions.AuthFailuresBeforeDelay"/>, <see cref="MailServerOptions.AddressAuthFailuresBeforeDelay"/>),
/// refilled one per delay; once they are used, turns are handed out one at a time, spaced by a delay that doubles with
/// each failure up to <see cref="MailServerOptions.MaxAuthFailureDelay"/>, so parallel connections queue for the same
/// turns instead of multiplying them. An attempt whose turn is further away than the longest delay is refused at once
/// as a temporary failure, without a check. An account's failures are cleared only by a success of that account; an
/// address's are never cleared by a success (a valid account of the attacker's own must not reset them): a success
/// only takes back its own attempt. Entries are forgotten after a quiet quarter of an hour. IPv6 counts per /64.
/// </summary>
internal sealed class AuthThrottle
{
    private const int MaxEntries = 100_000;
    private const int MaxUserNameInLog = 64;
    private static readonly TimeSpan Expiry = TimeSpan.FromMinutes(15);
    private readonly Dictionary<IPAddress, Entry> _addresses = [];
    private readonly Dictionary<string, Entry> _accounts = new(StringComparer.Ordinal);
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

    /// <summary>
    /// A view of a directory for one client address whose password checks and key lookups (PLAIN, LOGIN, USER/PASS,
    /// IMAP LOGIN, CRAM-MD5, SCRAM) first take their turn; a refused attempt answers as a temporary failure (no keys
    /// for CRAM-MD5 and SCRAM) without asking the directory.
    /// </summary>
    /// <param name="directory">The directory.</param>
    /// <param name="address">The client address.</param>
    /// <returns>The guarded directory.</returns>
    public IUserDirectory Guard(IUserDirectory directory, IPAddress address) => new GuardedDirectory(directory, this, address);

    /// <summary>
    /// Takes a turn for an attempt to authenticate, before its credentials are checked, waiting for it if need be. The
    /// attempt counts as a failure of the address and the account until <see cref="RecordSuccess"/> says otherwise.
    /// </summary>
    /// <param name="address">The client address.</param>
    /// <param name="userName">The user name given, when known.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns><see langword="false"/> when the attempt must be refused without a check (its turn is too far away).</returns>
    public async ValueTask<bool> WaitTurnAsync(IPAddress address, string? userName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        TimeSpan wait;
        lock (_accounts)
        {
            var now = _time.GetUtcNow();
            var addressKey = AddressKey(address);
            var accountKey = userName is null ? null : AccountKey(userName);
            var byAddress = Take(_addresses, addressKey, _options.AddressAuthFailuresBeforeDelay, now);
            (Entry Entry, TimeSpan Wait)? byAccount = accountKey is null ? null : Take(_accounts, accountKey, _options.AuthFailuresBeforeDelay, now);
            if (byAddress.Wait > _options.MaxAuthFailureDelay || byAccount?.Wait > _options.MaxAuthFailureDelay)
            {
                return false;
            }

            Store(_addresses, addressKey, byAddress.Entry, now);
            wait = byAddress.Wait;
            if (byAccount is { } account)
            {
                Store(_accounts, accountKey!, account.Entry, now);
                wait = account.Wait > wait ? account.Wait : wait;
            }
        }

        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>
    /// Logs a failed authentication at Warning, with the client address and the user name (what fail2ban reads). The
    /// attempt was counted when it took its turn; a failure that took none (an engine that checks credentials itself)
    /// is counted now.
    /// </summary>
    /// <param name="address">The client address.</param>
    /// <param name="userName">The user name given (it may name no user), or <see langword="null"/> when the client never gave one.</param>
    /// <param name="protocol">The protocol, for the log (smtp, pop3, imap).</param>
    /// <param name="tookTurn">Whether the attempt took a turn (through <see cref="Guard"/> or <see cref="WaitTurnAsync"/>).</param>
    public void RecordFailure(IPAddress address, string? userName, string protocol, bool tookTurn = true)
    {
        ArgumentNullException.ThrowIfNull(address);
        RuntimeLog.AuthenticationFailed(_logger, ForLog(userName), address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address, protocol);
        if (tookTurn)
        {
            return;
        }

        lock (_accounts)
        {
            var now = _time.GetUtcNow();
            var addressKey = AddressKey(address);
            Store(_addresses, addressKey, Take(_addresses, addressKey, _options.AddressAuthFailuresBeforeDelay, now).Entry, now);
            if (userName is not null)
            {
                var accountKey = AccountKey(userName);
                Store(_accounts, accountKey, Take(_accounts, accountKey, _options.AuthFailuresBeforeDelay, now).Entry, now);
            }
        }
    }

    /// <summary>Clears the account after its successful authentication; the address only takes back this attempt.</summary>
    /// <param name="address">The client address.</param>
    /// <param name="userName">The user name given.</param>
    /// <param name="userId">The user id it resolved to.</param>
    public void RecordSuccess(IPAddress address, string userName, string userId)
    {
        ArgumentNullException.ThrowIfNull(address);
        lock (_accounts)
        {
            _accounts.Remove(AccountKey(userName));
            _accounts.Remove(AccountKey(userId));
            var key = AddressKey(address);
            if (_addresses.TryGetValue(key, out var e))
            {
                _addresses[key] = e with
                {
                    Failures = Math.Max(0, e.Failures - 1),
                    Tokens = Math.Min(_options.AddressAuthFailuresBeforeDelay, e.Tokens + 1),
                };
            }
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
        table.TryGetValue(key, out var e) && now - e.Last <= Expiry ? e : null;

    /// <summary>
    /// The key's entry after one more attempt, and how long that attempt waits for its turn: a turn from the bucket at
    /// once while it has one, else the next free slot of the queue, which then moves on by the delay the failures so far
    /// earn (the attempts queued count as failures, so a queue's spacing doubles as it grows).
    /// </summary>
    private (Entry Entry, TimeSpan Wait) Take<TKey>(Dictionary<TKey, Entry> table, TKey key, int capacity, DateTimeOffset now)
        where TKey : notnull
    {
        var e = Current(table, key, now) ?? new Entry(capacity, now, 0, now, now);
        if (e.NextTurn <= now)
        {
            // No queue: the bucket refills one turn per delay since it was last touched.
            var spacing = Spacing(e.Failures, capacity);
            var earned = spacing > TimeSpan.Zero ? (now - e.Refilled) / spacing : capacity;
            e = e with { Tokens = Math.Min(capacity, e.Tokens + earned), Refilled = now };
        }

        var failures = e.Failures + 1;
        if (e.Tokens >= 1)
        {
            var tokens = e.Tokens - 1;
            var next = tokens < 1 ? now + Spacing(failures, capacity) : e.NextTurn;
            return (e with { Tokens = tokens, Failures = failures, NextTurn = next, Refilled = now, Last = now }, TimeSpan.Zero);
        }

        var turn = e.NextTurn > now ? e.NextTurn : now;
        var after = turn + Spacing(failures, capacity);
        return (e with { Failures = failures, NextTurn = after, Refilled = after, Last = now }, turn - now);
    }

    private static void Store<TKey>(Dictionary<TKey, Entry> table, TKey key, Entry entry, DateTimeOffset now)
        where TKey : notnull
    {
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
    /// failures (a full bucket is the same as none), then the oldest.
    /// </summary>
    private static void Bound<TKey>(Dictionary<TKey, Entry> table, DateTimeOffset now)
        where TKey : notnull
    {
        if (table.Count <= MaxEntries)
        {
            return;
        }

        foreach (var key in table.Where(kv => now - kv.Value.Last > Expiry || kv.Value.Failures == 0).Select(kv => kv.Key).ToList())
        {
            table.Remove(key);
        }

        if (table.Count > MaxEntries * 3 / 4)
        {
            foreach (var key in table.OrderBy(kv => kv.Value.Last).Take(table.Count - (MaxEntries * 3 / 4)).Select(kv => kv.Key).ToList())
            {
                table.Remove(key);
            }
        }
    }

    /// <summary>A bucket of turns: how many are left, when it was last refilled, the failures, the next turn of the queue, the last attempt.</summary>
    private readonly record struct Entry(double Tokens, DateTimeOffset Refilled, int Failures, DateTimeOffset NextTurn, DateTimeOffset Last);

    private sealed class GuardedDirectory(IUserDirectory inner, AuthThrottle throttle, IPAddress address) : IUserDirectory
    {
        public async ValueTask<AuthenticationResult> AuthenticateAsync(string userName, string password, CancellationToken cancellationToken) =>
            await throttle.WaitTurnAsync(address, userName, cancellationToken).ConfigureAwait(false)
                ? await inner.AuthenticateAsync(userName, password, cancellationToken).ConfigureAwait(false)
                : AuthenticationResult.TemporaryFailure;

        public async ValueTask<ScramCredentials?> GetScramCredentialsAsync(string userName, CancellationToken cancellationToken) =>
            await throttle.WaitTurnAsync(address, userName, cancellationToken).ConfigureAwait(false)
                ? await inner.GetScramCredentialsAsync(userName, cancellationToken).ConfigureAwait(false)
                : null;

        public async ValueTask<CramMd5Credentials?> GetCramMd5CredentialsAsync(string userName, CancellationToken cancellationToken) =>
            await throttle.WaitTurnAsync(address, userName, cancellationToken).ConfigureAwait(false)
                ? await inner.GetCramMd5CredentialsAsync(userName, cancellationToken).ConfigureAwait(false)
                : null;

        public ValueTask<RecipientResolution> ResolveAsync(Addresses.MailAddress address, CancellationToken cancellationToken) => inner.ResolveAsync(address, cancellationToken);

        public ValueTask<bool> IsLocalDomainAsync(string domain, CancellationToken cancellationToken) => inner.IsLocalDomainAsync(domain, cancellationToken);
    }
}
