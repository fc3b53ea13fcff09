using System.Collections.Concurrent;
using MailKitServer.Addresses;
using MailKitServer.Storage;

namespace MailKitServer.Users.InMemory;

/// <summary>
/// A user directory kept in memory: users (passwords kept only as salted PBKDF2-derived SCRAM keys), aliases and
/// distribution lists (an alias whose targets are other aliases), catch-all addresses per domain, sub-addressing,
/// the set of local domains, and per-user quotas (<see cref="SetQuota"/>). Thread-safe.
/// </summary>
public sealed class InMemoryUserDirectory : IQuotaUserDirectory, Runtime.IBlockingHint
{
    /// <summary>Everything is in memory: no call waits on I/O.</summary>
    bool Runtime.IBlockingHint.MayBlock => false;

    private readonly ConcurrentDictionary<string, InMemoryUser> _users = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, string[]> _aliases = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, string> _catchAll = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, byte> _domains = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, UserQuota> _quotas = new(StringComparer.OrdinalIgnoreCase);
    private readonly InMemoryUserDirectoryOptions _options;
    private long _order;

    /// <summary>Creates an empty directory.</summary>
    /// <param name="options">The options, or <see langword="null"/> for the defaults.</param>
    public InMemoryUserDirectory(InMemoryUserDirectoryOptions? options = null) => _options = options ?? new InMemoryUserDirectoryOptions();

    /// <summary>The local domains.</summary>
    public IReadOnlyCollection<string> Domains => _domains.Keys.ToArray();

    /// <summary>The user ids.</summary>
    public IReadOnlyCollection<string> Users => _users.Keys.ToArray();

    /// <summary>Adds a local domain.</summary>
    /// <param name="domain">A domain name (U-labels allowed), compared without regard to case.</param>
    /// <returns>This directory.</returns>
    public InMemoryUserDirectory AddDomain(string domain)
    {
        if (!MailAddress.IsDomain(domain, allowUtf8: true))
        {
            throw new ArgumentException($"'{domain}' is not a domain name.", nameof(domain));
        }

        _domains.TryAdd(domain, 0);
        return this;
    }

    /// <summary>Adds or replaces a user whose login name and user id are its address; its domain becomes local.</summary>
    /// <param name="address">The address, such as <c>alice@example.test</c>.</param>
    /// <param name="password">The password; only derived keys are kept.</param>
    /// <returns>The user id (the address in lower case).</returns>
    public string AddUser(string address, string password)
    {
        var parsed = Parse(address);
        ArgumentNullException.ThrowIfNull(password);
        var userId = parsed.Address.ToLowerInvariant();
        AddDomain(parsed.Domain);
        var cram = _options.KeepCramMd5Keys ? CramMd5Credentials.Derive(userId, password) : null;
        _users[userId] = new InMemoryUser(userId, ScramCredentials.Derive(userId, password, iterations: _options.PasswordIterations), cram, Interlocked.Increment(ref _order));
        return userId;
    }

    /// <summary>
    /// Adds or replaces a user whose keys were derived before (by <see cref="ScramCredentials.Derive"/>), as a
    /// directory kept elsewhere (a database) hands them over; its domain becomes local.
    /// </summary>
    /// <param name="address">The address; the user id is the address in lower case.</param>
    /// <param name="scram">The SCRAM-SHA-256 keys, which also check plain passwords.</param>
    /// <param name="cramMd5">The CRAM-MD5 key state, or <see langword="null"/>.</param>
    /// <returns>The user id.</returns>
    public string AddUser(string address, ScramCredentials scram, CramMd5Credentials? cramMd5)
    {
        ArgumentNullException.ThrowIfNull(scram);
        var parsed = Parse(address);
        var userId = parsed.Address.ToLowerInvariant();
        AddDomain(parsed.Domain);
        _users[userId] = new InMemoryUser(userId, scram, cramMd5, Interlocked.Increment(ref _order));
        return userId;
    }

    /// <summary>Removes a user.</summary>
    /// <param name="address">The user's address.</param>
    /// <returns><see langword="true"/> when the user existed.</returns>
    public bool RemoveUser(string address)
    {
        _quotas.TryRemove(address, out _);
        return _users.TryRemove(address, out _);
    }

    /// <summary>
    /// Sets or removes a user's mail limits. A store given this directory as its quota directory applies them from its
    /// next delivery, append or copy for that user, unless an IMAP quota administrator set the user's limits with
    /// SETQUOTA (those win; see <see cref="IQuotaUserDirectory"/>).
    /// </summary>
    /// <param name="address">The user's address (it need not be added yet).</param>
    /// <param name="quota">The limits, or <see langword="null"/> to remove them (the store's defaults apply).</param>
    public void SetQuota(string address, UserQuota? quota)
    {
        var userId = Parse(address).Address.ToLowerInvariant();
        if (quota is null)
        {
            _quotas.TryRemove(userId, out _);
            return;
        }

        if (quota.StorageLimitBytes < 0 || quota.MessageLimit < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(quota), quota, "A quota limit cannot be negative.");
        }

        _quotas[userId] = quota;
    }

    /// <inheritdoc />
    public ValueTask<UserQuota?> GetQuotaAsync(string userId, CancellationToken cancellationToken) =>
        ValueTask.FromResult(userId is not null && _quotas.TryGetValue(userId, out var quota) ? quota : null);

    /// <summary>
    /// Adds or replaces an alias. Each target is a user, another alias (making a distribution list, nested as deep
    /// as <see cref="InMemoryUserDirectoryOptions.MaxAliasDepth"/>), or a remote address to forward to.
    /// </summary>
    /// <param name="address">The alias address.</param>
    /// <param name="targets">The target addresses.</param>
    public void AddAlias(string address, params string[] targets)
    {
        var parsed = Parse(address);
        if (targets is null || targets.Length == 0)
        {
            throw new ArgumentException("An alias needs at least one target.", nameof(targets));
        }

        foreach (var t in targets)
        {
            Parse(t);
        }

        AddDomain(parsed.Domain);
        _aliases[parsed.Address] = targets.Select(t => t.Trim()).ToArray();
    }

    /// <summary>Sends mail for unknown addresses of a domain to a target address.</summary>
    /// <param name="domain">The domain, which becomes local.</param>
    /// <param name="target">The target address.</param>
    public void SetCatchAll(string domain, string target)
    {
        AddDomain(domain);
        Parse(target);
        _catchAll[domain] = target;
    }

    /// <inheritdoc />
    public ValueTask<AuthenticationResult> AuthenticateAsync(string userName, string password, CancellationToken cancellationToken)
    {
        if (userName is null || password is null || !_users.TryGetValue(userName.Trim(), out var user))
        {
            // Spend the same time on unknown users as on known ones, so timing does not reveal who exists.
            ScramCredentials.SaltedPassword(password ?? string.Empty, new byte[16], _options.PasswordIterations);
            return ValueTask.FromResult(AuthenticationResult.Failed);
        }

        return ValueTask.FromResult(user.Scram.Verify(password) ? AuthenticationResult.Success(user.UserId) : AuthenticationResult.Failed);
    }

    /// <inheritdoc />
    public ValueTask<ScramCredentials?> GetScramCredentialsAsync(string userName, CancellationToken cancellationToken) =>
        ValueTask.FromResult(userName is not null && _users.TryGetValue(userName.Trim(), out var u) ? u.Scram : null);

    /// <inheritdoc />
    public ValueTask<CramMd5Credentials?> GetCramMd5CredentialsAsync(string userName, CancellationToken cancellationToken) =>
        ValueTask.FromResult(userName is not null && _users.TryGetValue(userName.Trim(), out var u) ? u.CramMd5 : null);

    /// <inheritdoc />
    public ValueTask<bool> IsLocalDomainAsync(string domain, CancellationToken cancellationToken) =>
        ValueTask.FromResult(domain is not null && _domains.ContainsKey(domain));

    /// <inheritdoc />
    public ValueTask<RecipientResolution> ResolveAsync(MailAddress address, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (!_domains.ContainsKey(address.Domain))
        {
            return ValueTask.FromResult(RecipientResolution.NotLocal);
        }

        var mailboxes = new List<MailboxTarget>();
        var remote = new List<MailAddress>();
        var visited = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var loop = false;
        var found = Expand(address, 0, visited, mailboxes, remote, ref loop);
        RecipientResolution result;
        if (mailboxes.Count > 0 || remote.Count > 0)
        {
            result = new RecipientResolution(RecipientStatus.Resolved, mailboxes.Distinct().ToArray(), remote.Distinct().ToArray());
        }
        else
        {
            result = loop && found ? new RecipientResolution(RecipientStatus.Loop, [], []) : RecipientResolution.UnknownUser;
        }

        return ValueTask.FromResult(result);
    }

    private bool Expand(MailAddress address, int depth, HashSet<string> visited, List<MailboxTarget> mailboxes, List<MailAddress> remote, ref bool loop)
    {
        var key = address.Address;
        if (!_domains.ContainsKey(address.Domain))
        {
            remote.Add(address);
            return true;
        }

        if (depth > _options.MaxAliasDepth || !visited.Add(key))
        {
            loop = true;
            return true;
        }

        if (_users.TryGetValue(key, out var user))
        {
            mailboxes.Add(new MailboxTarget(user.UserId));
            return true;
        }

        if (_aliases.TryGetValue(key, out var targets))
        {
            foreach (var t in targets)
            {
                if (MailAddress.TryParse(t, allowUtf8: true, out var target))
                {
                    Expand(target, depth + 1, visited, mailboxes, remote, ref loop);
                }
            }

            return true;
        }

        if (_options.SubAddressSeparator is { } sep)
        {
            var plus = address.LocalPart.IndexOf(sep, StringComparison.Ordinal);
            if (plus > 0 && MailAddress.TryParse($"{address.LocalPart[..plus]}@{address.Domain}", allowUtf8: true, out var bare)
                && (_users.ContainsKey(bare.Address) || _aliases.ContainsKey(bare.Address)))
            {
                return Expand(bare, depth + 1, visited, mailboxes, remote, ref loop);
            }
        }

        if (_catchAll.TryGetValue(address.Domain, out var catchAll) && MailAddress.TryParse(catchAll, allowUtf8: true, out var ca))
        {
            return Expand(ca, depth + 1, visited, mailboxes, remote, ref loop);
        }

        // RFC 5321 §4.5.1: "postmaster" MUST be accepted at every local domain. Without a user or alias of that
        // name, it reaches the domain's first user (in the order added).
        if (address.LocalPart.Equals("postmaster", StringComparison.OrdinalIgnoreCase)
            && _users.Values.OrderBy(u => u.Order).FirstOrDefault(u => u.UserId.EndsWith("@" + address.Domain, StringComparison.OrdinalIgnoreCase)) is { } first)
        {
            mailboxes.Add(new MailboxTarget(first.UserId));
            return true;
        }

        return false;
    }

    private static MailAddress Parse(string address) =>
        MailAddress.TryParse(address?.Trim() ?? string.Empty, allowUtf8: true, out var parsed)
            ? parsed
            : throw new ArgumentException($"'{address}' is not a valid address.", nameof(address));
}
