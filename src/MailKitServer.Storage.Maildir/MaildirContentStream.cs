using Microsoft.Win32.SafeHandles;

namespace MailKitServer.Storage.Maildir;

/// <summary>
/// A byte range of a message file, read with <c>pread</c> on a bare handle, synchronously also when read
/// asynchronously. .NET has no asynchronous file reads on Linux: a <see cref="FileStream"/>'s <c>ReadAsync</c> queues
/// a blocking read to the thread pool and resumes the reader from there, a hop and a context switch per read, felt
/// when a FETCH or SEARCH reads 20,000 files (issue 24). The blocking read happens on a pool thread either way; here it
/// is the reader's own. No stream buffer is allocated either: readers ask for large blocks.
/// </summary>
internal sealed class MaildirContentStream : Runtime.ForwardReadStream
{
    private readonly SafeFileHandle _handle;
    private long _position;
    private long _remaining;

    private MaildirContentStream(SafeFileHandle handle, long offset, long? length)
    {
        // No fstat for the size: a read at or past the end returns 0 (pread).
        _handle = handle;
        _position = offset;
        _remaining = length ?? long.MaxValue;
    }

    /// <summary>Opens the range, or returns <see langword="null"/> when the file is not there (renamed or removed).</summary>
    /// <param name="path">The message file.</param>
    /// <param name="offset">Where the range starts (past the end: an empty range).</param>
    /// <param name="length">How long it is at most; null for the rest of the file.</param>
    public static MaildirContentStream? TryOpen(string path, long offset, long? length)
    {
        try
        {
            return new MaildirContentStream(File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete), offset, length);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = RandomAccess.Read(_handle, buffer[..(int)Math.Min(buffer.Length, _remaining)], _position);
        _position += n;
        _remaining -= n;
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<int>(cancellationToken);
        }

        try
        {
            return ValueTask.FromResult(Read(buffer.Span));
        }
        catch (IOException ex)
        {
            return ValueTask.FromException<int>(ex);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _handle.Dispose();
        }

        base.Dispose(disposing);
    }
}
