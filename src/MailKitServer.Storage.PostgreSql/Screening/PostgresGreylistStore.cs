using MailKitServer.Smtp.Screening.Greylisting;
using MailKitServer.Storage.PostgreSql.Store;
using Npgsql;

namespace MailKitServer.Storage.PostgreSql.Screening;

/// <summary>
/// Greylisting records in the mail database's <c>mks_greylist</c> table, shared by every node: a triplet that passed
/// on one node passes on all, and a restart forgets nothing. A save is one upsert; expired rows are deleted now and
/// then by the node that saves (one statement per 1000 saves). Set it as <c>GreylistOptions.Store</c>.
/// </summary>
public sealed class PostgresGreylistStore : IGreylistStore
{
    private readonly NpgsqlDataSource _dataSource;
    private int _saves;

    /// <summary>Creates the store on an open mail database (its schema has the table from version 4 on).</summary>
    /// <param name="database">An opened database; it stays the caller's to dispose.</param>
    public PostgresGreylistStore(PostgresMailDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _dataSource = database.DataSource;
    }

    /// <inheritdoc />
    public async ValueTask<GreylistEntry?> FindAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        return await PgGuard.RunAsync(async () =>
        {
            await using var command = _dataSource.CreateCommand("SELECT first_seen, last_seen, passes, expires FROM mks_greylist WHERE key = $1");
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
                ? new GreylistEntry(key, reader.GetFieldValue<DateTimeOffset>(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetInt32(2), reader.GetFieldValue<DateTimeOffset>(3))
                : null;
        }).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask SaveAsync(GreylistEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        await PgGuard.RunAsync(async () =>
        {
            await using var command = _dataSource.CreateCommand("""
                INSERT INTO mks_greylist (key, first_seen, last_seen, passes, expires) VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT (key) DO UPDATE SET first_seen = excluded.first_seen, last_seen = excluded.last_seen, passes = excluded.passes, expires = excluded.expires
                """);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = entry.Key });
            command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = entry.FirstSeen.UtcDateTime });
            command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = entry.LastSeen.UtcDateTime });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = entry.Passes });
            command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = entry.Expires.UtcDateTime });
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            if (Interlocked.Increment(ref _saves) % 1000 == 0)
            {
                await using var purge = _dataSource.CreateCommand("DELETE FROM mks_greylist WHERE expires <= $1");
                purge.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = entry.LastSeen.UtcDateTime });
                await purge.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            return true;
        }).ConfigureAwait(false);
    }
}
