using MailKitServer.Runtime;
using Npgsql;

namespace MailKitServer.Storage.PostgreSql.Schema;

/// <summary>
/// Brings the database's schema to the version this code knows, on start. One node migrates while the others wait:
/// the work is done under a PostgreSQL advisory lock, and each version's script commits together with the new
/// version number, so a crash mid-way leaves the last complete version.
/// </summary>
internal static class SchemaMigrator
{
    /// <summary>The advisory lock key ("MKSschem").</summary>
    private const long LockKey = 0x4D4B53736368656D;

    /// <summary>Migrates to <paramref name="target"/> (the latest by default) and returns the version found before.</summary>
    public static async Task<int> MigrateAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken, int? target = null)
    {
        var goal = target ?? SchemaMigrations.Latest;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, null, "SELECT pg_advisory_lock(" + LockKey + ")", cancellationToken).ConfigureAwait(false);
        try
        {
            await ExecuteAsync(connection, null, "CREATE TABLE IF NOT EXISTS mks_schema_version (version integer NOT NULL)", cancellationToken).ConfigureAwait(false);
            var found = await ReadVersionAsync(connection, cancellationToken).ConfigureAwait(false);
            if (found > SchemaMigrations.Latest)
            {
                throw new MailServerOptionsException(
                    $"PostgresStoreOptions.ConnectionString: the database's schema is version {found}, newer than this code's {SchemaMigrations.Latest}: a newer MailKitServer migrated it. Upgrade this node.");
            }

            for (var version = found + 1; version <= goal; version++)
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await ExecuteAsync(connection, transaction, SchemaMigrations.Scripts[version - 1], cancellationToken).ConfigureAwait(false);
                await ExecuteAsync(connection, transaction, "DELETE FROM mks_schema_version; INSERT INTO mks_schema_version VALUES (" + version + ")", cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }

            return found;
        }
        finally
        {
            await ExecuteAsync(connection, null, "SELECT pg_advisory_unlock(" + LockKey + ")", CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>The schema version of a database (0 when it has none).</summary>
    public static async Task<int> ReadVersionAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT coalesce(max(version), 0) FROM mks_schema_version", connection);
        return (int)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
