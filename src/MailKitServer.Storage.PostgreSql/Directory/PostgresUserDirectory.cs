using MailKitServer.Addresses;
using MailKitServer.Storage.PostgreSql.Notifications;
using MailKitServer.Storage.PostgreSql.Store;
using MailKitServer.Users;
using MailKitServer.Users.InMemory;
using Npgsql;

namespace MailKitServer.Storage.PostgreSql.Directory;

/// <summary>
/// The user directory in PostgreSQL, so every node agrees on users (with their salted PBKDF2/SCRAM keys, never
/// passwords), aliases and distribution lists, catch-alls, domains and per-user quotas. Each node answers from a copy
/// in memory, reloaded when any node changes the directory (a change hint) and whenever hints may have been missed;
/// a node's own change is in its copy before the call returns. While the database is away, logins and recipient
/// checks go on from the copy. Get it from <see cref="PostgresMailDatabase.Directory"/>.
/// </summary>
public sealed class PostgresUserDirectory : IUserDirectory
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly IMailboxChangeNotifier _notifier;
    private readonly InMemoryUserDirectoryOptions _options;
    private readonly SemaphoreSlim _reload = new(1, 1);
    private readonly IDisposable _subscription;
    private volatile InMemoryUserDirectory _current;
    private int _stale;

    internal PostgresUserDirectory(NpgsqlDataSource dataSource, IMailboxChangeNotifier notifier, InMemoryUserDirectoryOptions options)
    {
        _dataSource = dataSource;
        _notifier = notifier;
        _options = options;
        _current = new InMemoryUserDirectory(options);
        _subscription = notifier.Subscribe(hint =>
        {
            if (hint.MailboxId is 0 or -1)
            {
                _ = ReloadInBackgroundAsync();
            }
        });
    }

    /// <summary>Raised after each reload of this node's copy (tests await it).</summary>
    internal event Action? Reloaded;

    /// <summary>The local domains, as this node's copy has them.</summary>
    public IReadOnlyCollection<string> Domains => _current.Domains;

    /// <summary>The user ids, as this node's copy has them.</summary>
    public IReadOnlyCollection<string> Users => _current.Users;

    /// <summary>Adds a local domain.</summary>
    /// <param name="domain">The domain name, compared without regard to case; adding one already local changes nothing.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when every node can see the domain.</returns>
    public Task AddDomainAsync(string domain, CancellationToken cancellationToken = default)
    {
        if (!MailAddress.IsDomain(domain, allowUtf8: true))
        {
            throw new ArgumentException($"'{domain}' is not a domain name.", nameof(domain));
        }

        return ChangeAsync(batch => batch.BatchCommands.Add(DomainCommand(domain)), cancellationToken);
    }

    /// <summary>Adds or replaces a user (login name and user id are the address in lower case); its domain becomes local.</summary>
    /// <param name="address">The user's mail address (<c>local@domain</c>, any case).</param>
    /// <param name="password">The password; only derived keys are stored.</param>
    /// <param name="quotaBytes">The user's quota in octets, or <see langword="null"/> for the store's default.</param>
    /// <param name="quotaMessages">The user's quota in messages, or <see langword="null"/> for the store's default.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The user id.</returns>
    public async Task<string> AddUserAsync(string address, string password, long? quotaBytes = null, long? quotaMessages = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(password);
        var parsed = Parse(address);
        var userId = parsed.Address.ToLowerInvariant();
        var scram = ScramCredentials.Derive(userId, password, iterations: _options.PasswordIterations);
        var cram = _options.KeepCramMd5Keys ? CramMd5Credentials.Derive(userId, password) : null;
        await ChangeAsync(batch =>
        {
            batch.BatchCommands.Add(DomainCommand(parsed.Domain));
            batch.BatchCommands.Add(PostgresMessageStore.Command(
                "INSERT INTO mks_users (user_id, domain, scram_salt, scram_iterations, scram_stored_key, scram_server_key, cram_inner, cram_outer, quota_bytes, quota_messages) " +
                "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (user_id) DO UPDATE SET scram_salt = excluded.scram_salt, scram_iterations = excluded.scram_iterations, " +
                "scram_stored_key = excluded.scram_stored_key, scram_server_key = excluded.scram_server_key, cram_inner = excluded.cram_inner, cram_outer = excluded.cram_outer, " +
                "quota_bytes = excluded.quota_bytes, quota_messages = excluded.quota_messages",
                userId, parsed.Domain.ToLowerInvariant(), scram.Salt, scram.Iterations, scram.StoredKey, scram.ServerKey,
                (object?)cram?.InnerState ?? DBNull.Value, (object?)cram?.OuterState ?? DBNull.Value, (object?)quotaBytes ?? DBNull.Value, (object?)quotaMessages ?? DBNull.Value));
        }, cancellationToken).ConfigureAwait(false);
        return userId;
    }

    /// <summary>Removes a user (their mail stays in the store).</summary>
    /// <param name="address">The user's address.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when every node can see the change.</returns>
    public Task RemoveUserAsync(string address, CancellationToken cancellationToken = default) =>
        ChangeAsync(batch => batch.BatchCommands.Add(PostgresMessageStore.Command("DELETE FROM mks_users WHERE user_id = $1", Parse(address).Address.ToLowerInvariant())), cancellationToken);

    /// <summary>Adds or replaces an alias or distribution list (targets may be users, other aliases or remote addresses).</summary>
    /// <param name="address">The alias address.</param>
    /// <param name="targets">Where its mail goes: replaces the alias's previous targets.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when every node can see the alias.</returns>
    public Task AddAliasAsync(string address, IReadOnlyList<string> targets, CancellationToken cancellationToken = default)
    {
        var parsed = Parse(address);
        if (targets is null || targets.Count == 0)
        {
            throw new ArgumentException("An alias needs at least one target.", nameof(targets));
        }

        foreach (var t in targets)
        {
            Parse(t);
        }

        return ChangeAsync(batch =>
        {
            batch.BatchCommands.Add(DomainCommand(parsed.Domain));
            batch.BatchCommands.Add(PostgresMessageStore.Command(
                "INSERT INTO mks_aliases (address, domain, targets) VALUES ($1, $2, $3) ON CONFLICT (address) DO UPDATE SET targets = excluded.targets",
                parsed.Address, parsed.Domain.ToLowerInvariant(), targets.Select(t => t.Trim()).ToArray()));
        }, cancellationToken);
    }

    /// <summary>Sends mail for unknown addresses of a domain to a target address; the domain becomes local.</summary>
    /// <param name="domain">The domain whose unknown local parts go to <paramref name="target"/>.</param>
    /// <param name="target">The target address.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when every node can see the change.</returns>
    public Task SetCatchAllAsync(string domain, string target, CancellationToken cancellationToken = default)
    {
        Parse(target);
        return ChangeAsync(batch =>
        {
            batch.BatchCommands.Add(DomainCommand(domain));
            batch.BatchCommands.Add(PostgresMessageStore.Command(
                "INSERT INTO mks_catch_all (domain, target) VALUES ($1, $2) ON CONFLICT (domain) DO UPDATE SET target = excluded.target", domain.ToLowerInvariant(), target));
        }, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<AuthenticationResult> AuthenticateAsync(string userName, string password, CancellationToken cancellationToken) => _current.AuthenticateAsync(userName, password, cancellationToken);

    /// <inheritdoc />
    public ValueTask<ScramCredentials?> GetScramCredentialsAsync(string userName, CancellationToken cancellationToken) => _current.GetScramCredentialsAsync(userName, cancellationToken);

    /// <inheritdoc />
    public ValueTask<CramMd5Credentials?> GetCramMd5CredentialsAsync(string userName, CancellationToken cancellationToken) => _current.GetCramMd5CredentialsAsync(userName, cancellationToken);

    /// <inheritdoc />
    public ValueTask<RecipientResolution> ResolveAsync(MailAddress address, CancellationToken cancellationToken) => _current.ResolveAsync(address, cancellationToken);

    /// <inheritdoc />
    public ValueTask<bool> IsLocalDomainAsync(string domain, CancellationToken cancellationToken) => _current.IsLocalDomainAsync(domain, cancellationToken);

    /// <summary>Reads the whole directory into a new copy and swaps it in.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the copy is current.</returns>
    public async Task ReloadAsync(CancellationToken cancellationToken = default)
    {
        Interlocked.Exchange(ref _stale, 1);
        await _reload.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Interlocked.Exchange(ref _stale, 0) == 0)
            {
                return; // another reload started after our request and finished meanwhile
            }

            var fresh = new InMemoryUserDirectory(_options);
            await using var batch = _dataSource.CreateBatch();
            batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT name FROM mks_domains"));
            batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT user_id, scram_salt, scram_iterations, scram_stored_key, scram_server_key, cram_inner, cram_outer FROM mks_users ORDER BY created"));
            batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT address, targets FROM mks_aliases"));
            batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT domain, target FROM mks_catch_all"));
            await using (var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    fresh.AddDomain(reader.GetString(0));
                }

                await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var userId = reader.GetString(0);
                    var scram = new ScramCredentials(userId, reader.GetFieldValue<byte[]>(1), reader.GetInt32(2), reader.GetFieldValue<byte[]>(3), reader.GetFieldValue<byte[]>(4));
                    var cram = reader.IsDBNull(5) ? null : new CramMd5Credentials(userId, reader.GetFieldValue<byte[]>(5), reader.GetFieldValue<byte[]>(6));
                    fresh.AddUser(userId, scram, cram);
                }

                await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    fresh.AddAlias(reader.GetString(0), reader.GetFieldValue<string[]>(1));
                }

                await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    fresh.SetCatchAll(reader.GetString(0), reader.GetString(1));
                }
            }

            _current = fresh;
            Reloaded?.Invoke();
        }
        catch (Exception ex) when (PgGuard.IsUnavailable(ex))
        {
            Interlocked.Exchange(ref _stale, 1);
            throw new StoreUnavailableException("The mail database is unavailable; the directory was not reloaded.", ex);
        }
        finally
        {
            _reload.Release();
        }
    }

    internal void Dispose() => _subscription.Dispose();

    private static NpgsqlBatchCommand DomainCommand(string domain) =>
        PostgresMessageStore.Command("INSERT INTO mks_domains (name) VALUES ($1) ON CONFLICT DO NOTHING", domain.ToLowerInvariant());

    private static MailAddress Parse(string address) =>
        MailAddress.TryParse(address?.Trim() ?? string.Empty, allowUtf8: true, out var parsed)
            ? parsed
            : throw new ArgumentException($"'{address}' is not a valid address.", nameof(address));

    private async Task ChangeAsync(Action<NpgsqlBatch> fill, CancellationToken cancellationToken)
    {
        await PgGuard.RunAsync(async () =>
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using var batch = new NpgsqlBatch(connection, transaction);
            fill(batch);
            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        }).ConfigureAwait(false);

        // This node sees its own change at once; the others reload on the hint.
        await ReloadAsync(cancellationToken).ConfigureAwait(false);
        _notifier.Publish(MailboxChangeHint.DirectoryChanged);
    }

    private async Task ReloadInBackgroundAsync()
    {
        try
        {
            await ReloadAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (StoreUnavailableException)
        {
            // Kept stale; the hint sent when the notifier reconnects reloads it.
        }
    }
}
