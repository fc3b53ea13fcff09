using System.Buffers;
using Npgsql;
using NpgsqlTypes;

namespace MailKitServer.Storage.PostgreSql.Store;

/// <summary>
/// Streams a message into <c>mks_contents</c>/<c>mks_content_chunks</c> inside the caller's transaction, one chunk
/// in memory at a time; a small message takes one statement. The content is stored once, whatever the number of
/// mailboxes that will refer to it.
/// </summary>
internal static class ContentWriter
{
    /// <summary>Writes the content; returns its id and size, or <see langword="null"/> (the stream drained) when it is larger than <paramref name="maxSize"/>.</summary>
    public static async Task<(long Id, long Size)?> WriteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Stream content, int chunkSize, long maxSize, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(chunkSize);
        try
        {
            long size = 0;
            long id = 0;
            for (var seq = 0; ; seq++)
            {
                var n = await content.ReadAtLeastAsync(buffer.AsMemory(0, chunkSize), chunkSize, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
                if (n == 0 && seq > 0)
                {
                    break;
                }

                size += n;
                if (size > maxSize)
                {
                    while (await content.ReadAsync(buffer.AsMemory(0, chunkSize), cancellationToken).ConfigureAwait(false) > 0)
                    {
                    }

                    return null;
                }

                var last = n < chunkSize;
                await using var command = seq == 0
                    ? new NpgsqlCommand(
                        "WITH c AS (INSERT INTO mks_contents (size, chunk_size) VALUES ($1, $2) RETURNING id) " +
                        "INSERT INTO mks_content_chunks (content_id, seq, data) SELECT id, 0, $3 FROM c RETURNING content_id", connection, transaction)
                    : new NpgsqlCommand("INSERT INTO mks_content_chunks (content_id, seq, data) VALUES ($1, $2, $3) RETURNING content_id", connection, transaction);
                if (seq == 0)
                {
                    command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = last ? n : -1 });
                    command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = chunkSize });
                }
                else
                {
                    command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id });
                    command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = seq });
                }

                command.Parameters.Add(new NpgsqlParameter<ReadOnlyMemory<byte>> { NpgsqlDbType = NpgsqlDbType.Bytea, TypedValue = buffer.AsMemory(0, n) });
                id = (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
                if (last)
                {
                    if (seq > 0)
                    {
                        await using var update = new NpgsqlCommand("UPDATE mks_contents SET size = $1 WHERE id = $2", connection, transaction);
                        update.Parameters.Add(new NpgsqlParameter<long> { TypedValue = size });
                        update.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id });
                        await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }

                    break;
                }
            }

            return (id, size);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Deletes contents no message and no queue entry refers to any more. Rows another transaction is about to refer
    /// to (its foreign-key check locks them) are skipped, never waited for.
    /// </summary>
    public static async Task CollectAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long[] contentIds, CancellationToken cancellationToken)
    {
        if (contentIds.Length == 0)
        {
            return;
        }

        await using var command = new NpgsqlCommand(
            "DELETE FROM mks_contents WHERE id IN (SELECT c.id FROM mks_contents c WHERE c.id = ANY($1) " +
            "AND NOT EXISTS (SELECT 1 FROM mks_messages m WHERE m.content_id = c.id) " +
            "AND NOT EXISTS (SELECT 1 FROM mks_queue q WHERE q.content_id = c.id) FOR UPDATE SKIP LOCKED)", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = contentIds });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
