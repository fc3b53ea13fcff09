using System.Buffers;

namespace MailKitServer.Runtime;

/// <summary>
/// Holds a message while it is received: in pooled memory up to a threshold, then in a temporary file that is
/// deleted on dispose. Stops storing (but keeps counting) past the size limit, so an oversized message is drained
/// without being kept. Read it back any number of times with <see cref="OpenRead"/>.
/// </summary>
internal sealed class MessageSpool : IDataSink, IDisposable
{
    private const int ChunkSize = 64 * 1024;
    private readonly List<byte[]> _chunks = [];
    private readonly long _limit;
    private readonly long _memoryThreshold;
    private readonly string? _tempDirectory; // null: the system's, looked up only when a message moves to a file
    private FileStream? _file;
    private int _lastChunkUsed = ChunkSize;
    private long _stored;

    /// <summary>Creates a spool.</summary>
    /// <param name="limit">The most octets kept; beyond it <see cref="Overflowed"/> is set.</param>
    /// <param name="memoryThreshold">The most octets kept in memory before moving to a file.</param>
    /// <param name="tempDirectory">Where the file goes, or <see langword="null"/> for the system's temporary folder.</param>
    public MessageSpool(long limit, long memoryThreshold, string? tempDirectory = null)
    {
        _limit = limit;
        _memoryThreshold = memoryThreshold;
        _tempDirectory = tempDirectory;
    }

    /// <summary>How many octets were offered, kept or not.</summary>
    public long Length { get; private set; }

    /// <summary>Whether more than the limit was offered (nothing past it was kept).</summary>
    public bool Overflowed => Length > _limit;

    /// <summary>Whether everything kept is in memory (no file to read back).</summary>
    public bool InMemory => _file is null;

    /// <inheritdoc />
    public void Write(ReadOnlySpan<byte> data)
    {
        Length += data.Length;
        if (Length > _limit)
        {
            return;
        }

        if (_file is null && _stored + data.Length > _memoryThreshold)
        {
            MoveToFile();
        }

        _stored += data.Length;
        if (_file is not null)
        {
            _file.Write(data);
            return;
        }

        while (!data.IsEmpty)
        {
            if (_lastChunkUsed == ChunkSize)
            {
                _chunks.Add(ArrayPool<byte>.Shared.Rent(ChunkSize));
                _lastChunkUsed = 0;
            }

            var n = Math.Min(data.Length, ChunkSize - _lastChunkUsed);
            data[..n].CopyTo(_chunks[^1].AsSpan(_lastChunkUsed));
            _lastChunkUsed += n;
            data = data[n..];
        }
    }

    /// <summary>Writes what is left of <paramref name="source"/>, to its end.</summary>
    /// <param name="source">The octets to add.</param>
    /// <param name="cancellationToken">Cancels the copy.</param>
    /// <returns>A task that completes once everything was written.</returns>
    public async Task WriteAsync(Stream source, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            int read;
            while ((read = await source.ReadAsync(buffer.AsMemory(0, ChunkSize), cancellationToken).ConfigureAwait(false)) > 0)
            {
                Write(buffer.AsSpan(0, read));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Opens a read-only stream over what was kept, from an offset.</summary>
    /// <param name="offset">The first octet.</param>
    /// <returns>The stream; it does not own the spool.</returns>
    public Stream OpenRead(long offset = 0)
    {
        if (_file is not null)
        {
            _file.Flush();
            var stream = new FileStream(_file.Name, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 65536, FileOptions.SequentialScan | FileOptions.Asynchronous);
            stream.Seek(offset, SeekOrigin.Begin);
            return stream;
        }

        return new ChunkStream(_chunks, _stored, offset);
    }

    /// <summary>Empties the spool for the next message.</summary>
    public void Reset()
    {
        ReturnChunks();
        _file?.Dispose();
        _file = null;
        Length = 0;
        _stored = 0;
        _lastChunkUsed = ChunkSize;
    }

    /// <inheritdoc />
    public void Dispose() => Reset();

    private void MoveToFile()
    {
        var path = Path.Combine(_tempDirectory ?? Path.GetTempPath(), "mks-" + Guid.NewGuid().ToString("N") + ".eml");
        _file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete, 65536, FileOptions.DeleteOnClose);
        for (var i = 0; i < _chunks.Count; i++)
        {
            _file.Write(_chunks[i], 0, i == _chunks.Count - 1 ? _lastChunkUsed : ChunkSize);
        }

        ReturnChunks();
        _lastChunkUsed = ChunkSize;
    }

    private void ReturnChunks()
    {
        foreach (var c in _chunks)
        {
            ArrayPool<byte>.Shared.Return(c);
        }

        _chunks.Clear();
    }

    private sealed class ChunkStream : SeekableReadStream
    {
        private readonly List<byte[]> _chunks;
        private readonly long _length;

        public ChunkStream(List<byte[]> chunks, long length, long position)
        {
            _chunks = chunks;
            _length = length;
            Position = position;
        }

        public override long Length => _length;

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var total = 0;
            while (!buffer.IsEmpty && ReadPosition < _length)
            {
                var chunk = (int)(ReadPosition / ChunkSize);
                var within = (int)(ReadPosition % ChunkSize);
                var n = (int)Math.Min(Math.Min(buffer.Length, ChunkSize - within), _length - ReadPosition);
                _chunks[chunk].AsSpan(within, n).CopyTo(buffer);
                buffer = buffer[n..];
                Advance(n);
                total += n;
            }

            return total;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.FromResult(Read(buffer.AsSpan(offset, count)));
    }
}
