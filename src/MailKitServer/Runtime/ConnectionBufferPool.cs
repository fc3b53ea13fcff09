using System.Buffers;

namespace MailKitServer.Runtime;

/// <summary>
/// The buffers one connection's input pipe reads into: small ones while the engine reads command lines, large ones
/// while it reads bulk data (DATA, BDAT, literals). A command line needs a few hundred octets, and a session that waits
/// with pipelined commands unread (a LOGIN queued behind the authentication throttle, say) holds its buffer for as
/// long as it waits: at 64 KB each, a burst of 10,000 logins left over half a gigabyte of buffers that had lived long
/// enough to reach the oldest generation, and the process kept that memory long after the burst. Bulk data still gets
/// 64 KB reads, so a large message needs as few reads as before.
/// </summary>
/// <remarks>
/// The pipe reader over a stream (<see cref="System.IO.Pipelines.PipeReader.Create(Stream, System.IO.Pipelines.StreamPipeReaderOptions?)"/>) asks every segment of its pool at the reader's buffer size (the
/// small size here); a pool may hand out more than it is asked for, which is how bulk reads get large buffers. The
/// arrays come from, and go back to, <see cref="ArrayPool{T}.Shared"/>.
/// </remarks>
internal sealed class ConnectionBufferPool : MemoryPool<byte>
{
    /// <summary>The size of a buffer for command lines, and the reader's buffer size.</summary>
    public const int SmallSize = 4096;

    /// <summary>The size of a buffer for bulk data.</summary>
    public const int LargeSize = 64 * 1024;

    /// <summary>Whether the engine reads bulk data: the next buffers are large.</summary>
    public bool Bulk { get; set; }

    /// <inheritdoc/>
    public override int MaxBufferSize => Array.MaxLength;

    /// <inheritdoc/>
    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        var size = Math.Max(minBufferSize, Bulk ? LargeSize : SmallSize);
        return new Lease(ArrayPool<byte>.Shared.Rent(size));
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
    }

    /// <summary>One rented array; disposing gives it back (once).</summary>
    private sealed class Lease(byte[] array) : IMemoryOwner<byte>
    {
        private byte[]? _array = array;

        public Memory<byte> Memory => _array ?? throw new ObjectDisposedException(nameof(Lease));

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _array, null) is { } array)
            {
                ArrayPool<byte>.Shared.Return(array);
            }
        }
    }
}
