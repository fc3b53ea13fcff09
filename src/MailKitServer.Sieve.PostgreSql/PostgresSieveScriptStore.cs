using MailKitServer.Sieve.Scripts;
using MailKitServer.Storage.PostgreSql;
using MailKitServer.Storage;
using MailKitServer.Storage.PostgreSql.Store;
using Npgsql;

namespace MailKitServer.Sieve.PostgreSql;

/// <summary>
/// Users' Sieve scripts, global scripts and vacation reply records in the PostgreSQL database of
/// <see cref="PostgresMailDatabase"/>, so that every node sharing the database runs the script a user uploaded over
/// ManageSieve to any of them, and a vacation reply is sent once per sender per period whichever node delivers.
/// The tables are part of the database's schema (version 3) and are migrated with it on
/// <see cref="PostgresMailDatabase.OpenAsync"/>. At most one script per user is active (a unique index says so);
/// recording a reply is one atomic statement, so two nodes delivering at once send one reply. While the database is
/// away, calls throw <see cref="StoreUnavailableException"/>: delivery then keeps the message in INBOX, and
/// ManageSieve answers NO (TRYLATER).
/// </summary>
public sealed class PostgresSieveScriptStore : ISieveScriptStore
{
    private readonly NpgsqlDataSource _dataSource;

    /// <summary>Creates the store over an open database (the same one the message store uses).</summary>
    /// <param name="database">An opened database whose schema has the scripts table; it stays the caller's to dispose.</param>
    public PostgresSieveScriptStore(PostgresMailDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _dataSource = database.DataSource;
    }

    /// <summary>Sets (or with <see langword="null"/> removes) a global script, which <c>include :global</c> names.</summary>
    /// <param name="name">The script name.</param>
    /// <param name="content">The script's text.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the change is durable.</returns>
    public Task SetGlobalAsync(string name, string? content, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return PgGuard.RunAsync(async () =>
        {
            await using var command = content is null
                ? _dataSource.CreateCommand("DELETE FROM mks_sieve_global_scripts WHERE name = $1")
                : _dataSource.CreateCommand("INSERT INTO mks_sieve_global_scripts (name, content) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET content = EXCLUDED.content");
            command.Parameters.Add(Text(name));
            if (content is not null)
            {
                command.Parameters.Add(Text(content));
            }

            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }).AsTask();
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<SieveScriptInfo>> ListAsync(string userId, CancellationToken cancellationToken) =>
        PgGuard.RunAsync<IReadOnlyList<SieveScriptInfo>>(async () =>
        {
            await using var command = _dataSource.CreateCommand("SELECT name, active FROM mks_sieve_scripts WHERE user_id = $1 ORDER BY name COLLATE \"C\"");
            command.Parameters.Add(Text(userId));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var scripts = new List<SieveScriptInfo>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                scripts.Add(new SieveScriptInfo(reader.GetString(0), reader.GetBoolean(1)));
            }

            return scripts;
        });

    /// <inheritdoc />
    public ValueTask<string?> GetAsync(string userId, string name, CancellationToken cancellationToken) =>
        ScalarAsync("SELECT content FROM mks_sieve_scripts WHERE user_id = $1 AND name = $2", cancellationToken, userId, name);

    /// <inheritdoc />
    public async ValueTask PutAsync(string userId, string name, string content, CancellationToken cancellationToken) =>
        await ExecuteAsync(
            "INSERT INTO mks_sieve_scripts (user_id, name, content) VALUES ($1, $2, $3) ON CONFLICT (user_id, name) DO UPDATE SET content = EXCLUDED.content",
            cancellationToken,
            userId,
            name,
            content).ConfigureAwait(false);

    /// <inheritdoc />
    public async ValueTask<bool> DeleteAsync(string userId, string name, CancellationToken cancellationToken) =>
        await ExecuteAsync("DELETE FROM mks_sieve_scripts WHERE user_id = $1 AND name = $2", cancellationToken, userId, name).ConfigureAwait(false) > 0;

    /// <inheritdoc />
    public async ValueTask<bool> RenameAsync(string userId, string oldName, string newName, CancellationToken cancellationToken)
    {
        try
        {
            return await ExecuteAsync("UPDATE mks_sieve_scripts SET name = $3 WHERE user_id = $1 AND name = $2", cancellationToken, userId, oldName, newName).ConfigureAwait(false) > 0;
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return false; // another session stored a script of the new name meanwhile
        }
    }

    /// <inheritdoc />
    public ValueTask<bool> SetActiveAsync(string userId, string? name, CancellationToken cancellationToken) =>
        PgGuard.RunAsync(async () =>
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

            // Two SETACTIVEs of one user take turns on a lock of that user held until the transaction ends, so they
            // cannot both activate. It used to be "SELECT ... FOR UPDATE" over the user's rows, which locks them in
            // scan order; a transaction that waited for a row another activation had just updated went on from the
            // row's new version at the heap's end, in a different order from a later one, and the two could each hold
            // a row the other wanted (40P01, seen once under load). One lock per user has no order to get wrong.
            await using (var lockUser = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended('mks_sieve_scripts:' || $1, 0))", connection, transaction))
            {
                lockUser.Parameters.Add(Text(userId));
                await lockUser.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await using (var deactivate = new NpgsqlCommand("UPDATE mks_sieve_scripts SET active = false WHERE user_id = $1 AND active", connection, transaction))
            {
                deactivate.Parameters.Add(Text(userId));
                await deactivate.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            if (name is not null)
            {
                await using var activate = new NpgsqlCommand("UPDATE mks_sieve_scripts SET active = true WHERE user_id = $1 AND name = $2", connection, transaction);
                activate.Parameters.Add(Text(userId));
                activate.Parameters.Add(Text(name));
                if (await activate.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
                {
                    await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
                    return false; // RFC 5804 §2.8: a missing script leaves the active one as it was
                }
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return true;
        });

    /// <inheritdoc />
    public ValueTask<string?> GetGlobalAsync(string name, CancellationToken cancellationToken) =>
        ScalarAsync("SELECT content FROM mks_sieve_global_scripts WHERE name = $1", cancellationToken, name);

    /// <inheritdoc />
    public ValueTask<bool> TryRecordReplyAsync(string userId, string key, DateTimeOffset now, TimeSpan period, CancellationToken cancellationToken) =>
        PgGuard.RunAsync(async () =>
        {
            // One statement: a concurrent delivery on another node waits for this row and then sees it (RFC 5230 §4.2).
            await using var command = _dataSource.CreateCommand(
                "INSERT INTO mks_sieve_replies (user_id, key, sent_at) VALUES ($1, $2, $3) " +
                "ON CONFLICT (user_id, key) DO UPDATE SET sent_at = EXCLUDED.sent_at WHERE mks_sieve_replies.sent_at <= $4 RETURNING 1");
            command.Parameters.Add(Text(userId));
            command.Parameters.Add(Text(key));
            command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = now.UtcDateTime });
            command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = (now - period).UtcDateTime });
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
        });

    private static NpgsqlParameter<string> Text(string value) => new() { TypedValue = value };

    private ValueTask<string?> ScalarAsync(string sql, CancellationToken cancellationToken, params string[] parameters) =>
        PgGuard.RunAsync(async () =>
        {
            await using var command = Command(sql, parameters);
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
        });

    private ValueTask<int> ExecuteAsync(string sql, CancellationToken cancellationToken, params string[] parameters) =>
        PgGuard.RunAsync(async () =>
        {
            await using var command = Command(sql, parameters);
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        });

    private NpgsqlCommand Command(string sql, string[] parameters)
    {
        var command = _dataSource.CreateCommand(sql);
        foreach (var p in parameters)
        {
            command.Parameters.Add(Text(p));
        }

        return command;
    }
}
