using MailKitServer.Runtime;
using Npgsql;

namespace MailKitServer.Storage.PostgreSql.Store;

/// <summary>
/// A read-only stream over a range of a message's content: the chunk rows the range touches, read with
/// <see cref="System.Data.CommandBehavior.SequentialAccess"/> so each chunk streams from the socket and no message is
/// ever held whole. Owns its connection until disposed.
/// </summary>
internal sealed class ChunkReadStream : ForwardReadStream
{
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlCommand _command;
    private readonly NpgsqlDataReader _reader;
    private Stream? _chunk;
    private long _skip;
    private long _remaining;

    private ChunkReadStream(NpgsqlConnection connection, NpgsqlCommand command, NpgsqlDataReader reader, long skip, long remaining)
    {
        _connection = connection;
        _command = command;
        _reader = reader;
        _skip = skip;
        _remaining = remaining;
    }

    /// <summary>Opens a range of a message's content, or returns <see langword="null"/> when the message is not there.</summary>
    public static Task<Stream?> OpenAsync(NpgsqlDataSource dataSource, long mailboxId, uint uid, long offset, long? length, CancellationToken cancellationToken) =>
        OpenAsync(dataSource, "SELECT c.id, c.size, c.chunk_size FROM mks_messages m JOIN mks_contents c ON c.id = m.content_id WHERE m.mailbox_id = $1 AND m.uid = $2", [mailboxId, (long)uid], offset, length, cancellationToken);

    /// <summary>Opens a queue entry's content, or returns <see langword="null"/> when the entry is gone.</summary>
    public static Task<Stream?> OpenQueuedAsync(NpgsqlDataSource dataSource, string id, CancellationToken cancellationToken) =>
        OpenAsync(dataSource, "SELECT c.id, c.size, c.chunk_size FROM mks_queue q JOIN mks_contents c ON c.id = q.content_id WHERE q.id = $1", [id], 0, null, cancellationToken);

    /// <summary>Opens a range of the content that <paramref name="headSql"/> finds (its id, size and chunk size).</summary>
    private static async Task<Stream?> OpenAsync(NpgsqlDataSource dataSource, string headSql, object[] keys, long offset, long? length, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        NpgsqlCommand? command = null;
        try
        {
            // The size first (a cheap row), then the chunks that hold [offset, offset + length).
            command = new NpgsqlCommand(headSql, connection);
            foreach (var key in keys)
            {
                command.Parameters.Add(new NpgsqlParameter { Value = key });
            }

            long contentId, size;
            int chunkSize;
            await using (var head = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                if (!await head.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    await command.DisposeAsync().ConfigureAwait(false);
                    await connection.DisposeAsync().ConfigureAwait(false);
                    return null;
                }

                (contentId, size, chunkSize) = (head.GetInt64(0), head.GetInt64(1), head.GetInt32(2));
            }

            await command.DisposeAsync().ConfigureAwait(false);
            var start = Math.Min(offset, size);
            var count = Math.Min(length ?? long.MaxValue, size - start);
            var first = (int)(start / chunkSize);
            var last = count == 0 ? first - 1 : (int)((start + count - 1) / chunkSize);
            command = new NpgsqlCommand("SELECT data FROM mks_content_chunks WHERE content_id = $1 AND seq BETWEEN $2 AND $3 ORDER BY seq", connection);
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = contentId });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = first });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = last });
            var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, cancellationToken).ConfigureAwait(false);
            return new ChunkReadStream(connection, command, reader, start - ((long)first * chunkSize), count);
        }
        catch
        {
            if (command is not null)
            {
                await command.DisposeAsync().ConfigureAwait(false);
            }

            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (_remaining > 0 && buffer.Length > 0)
        {
            if (_chunk is null)
            {
                if (!await _reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    return 0;
                }

                _chunk = _reader.GetStream(0);
            }

            var n = await _chunk.ReadAsync(buffer[..(int)Math.Min(buffer.Length, _skip > 0 ? Math.Min(_skip, 65536) : _remaining)], cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                await _chunk.DisposeAsync().ConfigureAwait(false);
                _chunk = null;
                continue;
            }

            if (_skip > 0)
            {
                _skip -= n;
                continue;
            }

            _remaining -= n;
            return n;
        }

        return 0;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask DisposeAsync()
    {
        if (_chunk is not null)
        {
            await _chunk.DisposeAsync().ConfigureAwait(false);
        }

        await _reader.DisposeAsync().ConfigureAwait(false);
        await _command.DisposeAsync().ConfigureAwait(false);
        await _connection.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _chunk?.Dispose();
            _reader.Dispose();
            _command.Dispose();
            _connection.Dispose();
        }

        base.Dispose(disposing);
    }
}
