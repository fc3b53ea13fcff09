using System.Text.Json;
using MailKitServer.Smtp.Outbound.Queue;
using MailKitServer.Storage.PostgreSql.Store;
using Npgsql;
using NpgsqlTypes;

namespace MailKitServer.Storage.PostgreSql.Queue;

/// <summary>
/// The outbound queue in PostgreSQL, shared by every node: an entry's state is a JSON row, its content chunk rows
/// (written once, streamed back). A node claims an entry before each attempt with <c>FOR UPDATE SKIP LOCKED</c> and a
/// lease on the database's clock, renews it while the attempt runs and releases it when it saves the outcome, so two
/// live nodes never send the same message, and a dead node's entries are taken over when its lease runs out.
/// Get it from <see cref="PostgresMailDatabase.QueueStore"/>.
/// </summary>
public sealed class PostgresQueueStore : ISharedQueueStore
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly PostgresStoreOptions _options;

    internal PostgresQueueStore(NpgsqlDataSource dataSource, PostgresStoreOptions options)
    {
        _dataSource = dataSource;
        _options = options;
    }

    /// <inheritdoc />
    public TimeSpan Lease => _options.QueueLease;

    /// <inheritdoc />
    public TimeSpan PollInterval => _options.QueuePollInterval;

    /// <inheritdoc />
    public async ValueTask<long> AddAsync(QueuedMessage message, Stream content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(content);
        return await PgGuard.RunAsync(async () =>
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            var (contentId, size) = (await ContentWriter.WriteAsync(connection, transaction, content, _options.ChunkSize, long.MaxValue, cancellationToken).ConfigureAwait(false))!.Value;
            message.Size = size;
            // The node that enqueues holds the first claim: it attempts at once.
            await using var insert = new NpgsqlCommand(
                "INSERT INTO mks_queue (id, entry, content_id, next_attempt_at, lease_owner, lease_until) VALUES ($1, $2, $3, $4, $5, now() + $6)", connection, transaction);
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = message.Id });
            insert.Parameters.Add(Entry(message));
            insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = contentId });
            insert.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = message.NextAttemptAt.UtcDateTime });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _options.NodeName });
            insert.Parameters.Add(new NpgsqlParameter<TimeSpan> { TypedValue = Lease });
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return size;
        }).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask UpdateAsync(QueuedMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        await PgGuard.RunAsync(async () =>
        {
            // Saving the outcome gives up this node's claim; a node that lost its claim saves nothing.
            await using var update = _dataSource.CreateCommand(
                "UPDATE mks_queue SET entry = $2, next_attempt_at = $3, lease_owner = NULL, lease_until = NULL WHERE id = $1 AND (lease_owner = $4 OR lease_owner IS NULL)");
            update.Parameters.Add(new NpgsqlParameter<string> { TypedValue = message.Id });
            update.Parameters.Add(Entry(message));
            update.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = message.NextAttemptAt.UtcDateTime });
            update.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _options.NodeName });
            return await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask<Stream?> OpenContentAsync(string id, CancellationToken cancellationToken) =>
        PgGuard.RunAsync(async () => await ChunkReadStream.OpenQueuedAsync(_dataSource, id, cancellationToken).ConfigureAwait(false));

    /// <inheritdoc />
    public async ValueTask RemoveAsync(string id, CancellationToken cancellationToken)
    {
        await PgGuard.RunAsync(async () =>
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using var delete = new NpgsqlCommand("DELETE FROM mks_queue WHERE id = $1 RETURNING content_id", connection, transaction);
            delete.Parameters.Add(new NpgsqlParameter<string> { TypedValue = id });
            if (await delete.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long contentId)
            {
                await ContentWriter.CollectAsync(connection, transaction, [contentId], cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        }).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<QueuedMessage>> LoadAsync(CancellationToken cancellationToken) =>
        ReadEntriesAsync("SELECT entry FROM mks_queue ORDER BY next_attempt_at", null, cancellationToken);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<QueuedMessage>> LoadDueAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        ReadEntriesAsync("SELECT entry FROM mks_queue WHERE next_attempt_at <= $1 AND (lease_owner IS NULL OR lease_until < now()) ORDER BY next_attempt_at LIMIT 1000", now, cancellationToken);

    /// <inheritdoc />
    public ValueTask<QueuedMessage?> TryClaimAsync(string id, CancellationToken cancellationToken) => PgGuard.RunAsync(async () =>
    {
        // SKIP LOCKED: when two nodes reach for the same entry, one gets it and the other moves on without waiting.
        await using var claim = _dataSource.CreateCommand(
            "UPDATE mks_queue q SET lease_owner = $2, lease_until = now() + $3 FROM " +
            "(SELECT id FROM mks_queue WHERE id = $1 AND (lease_owner IS NULL OR lease_owner = $2 OR lease_until < now()) FOR UPDATE SKIP LOCKED) c " +
            "WHERE q.id = c.id RETURNING q.entry");
        claim.Parameters.Add(new NpgsqlParameter<string> { TypedValue = id });
        claim.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _options.NodeName });
        claim.Parameters.Add(new NpgsqlParameter<TimeSpan> { TypedValue = Lease });
        return await claim.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is string json
            ? JsonSerializer.Deserialize(json, PostgresQueueJsonContext.Default.QueuedMessage)
            : null;
    });

    /// <inheritdoc />
    public ValueTask<bool> RenewAsync(string id, CancellationToken cancellationToken) => PgGuard.RunAsync(async () =>
    {
        await using var renew = _dataSource.CreateCommand("UPDATE mks_queue SET lease_until = now() + $3 WHERE id = $1 AND lease_owner = $2");
        renew.Parameters.Add(new NpgsqlParameter<string> { TypedValue = id });
        renew.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _options.NodeName });
        renew.Parameters.Add(new NpgsqlParameter<TimeSpan> { TypedValue = Lease });
        return await renew.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    });

    private static NpgsqlParameter Entry(QueuedMessage message) =>
        new() { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = JsonSerializer.Serialize(message, PostgresQueueJsonContext.Default.QueuedMessage) };

    private ValueTask<IReadOnlyList<QueuedMessage>> ReadEntriesAsync(string sql, DateTimeOffset? now, CancellationToken cancellationToken) => PgGuard.RunAsync<IReadOnlyList<QueuedMessage>>(async () =>
    {
        await using var command = _dataSource.CreateCommand(sql);
        if (now is { } n)
        {
            command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = n.UtcDateTime });
        }

        var entries = new List<QueuedMessage>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (JsonSerializer.Deserialize(reader.GetString(0), PostgresQueueJsonContext.Default.QueuedMessage) is { } entry)
            {
                entries.Add(entry);
            }
        }

        return entries;
    });
}
