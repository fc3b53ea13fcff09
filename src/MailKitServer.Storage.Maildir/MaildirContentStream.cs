using Microsoft.Win32.SafeHandles;

namespace MailKitServer.Storage.Maildir;

/// <summary>
/// A byte range of a message file, read with <c>pread</c>, synchronously also when read asynchronously. .NET has no
/// asynchronous file reads on Linux: a <see cref="FileStream"/>'s <c>ReadAsync</c> queues a blocking read to the thread
/// pool and resumes the reader from there, a hop and a context switch per read, felt when a FETCH or SEARCH reads 20,000
/// files (issue 24). The blocking read happens on a pool thread either way; here it is the reader's own. No stream
/// buffer is allocated either: readers ask for large blocks. On Linux the file is opened with <c>open(2)</c> alone
/// (<see cref="Runtime.NativeReadOnlyFile"/>: no fstat, no flock and unlock per file); elsewhere with a framework handle.
/// </summary>
internal sealed class MaildirContentStream : Runtime.ForwardReadStream
{
    private readonly Runtime.NativeReadOnlyFile? _native;
    private readonly SafeFileHandle? _handle;
    private long _position;
    private long _remaining;

    private MaildirContentStream(Runtime.NativeReadOnlyFile? native, SafeFileHandle? handle, long offset, long? length)
    {
        // No fstat for the size: a read at or past the end returns 0 (pread).
        _native = native;
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
        if (OperatingSystem.IsLinux())
        {
            return Runtime.NativeReadOnlyFile.TryOpen(path) is { } file ? new MaildirContentStream(file, null, offset, length) : null;
        }

        try
        {
            return new MaildirContentStream(null, File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete), offset, length);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var range = buffer[..(int)Math.Min(buffer.Length, _remaining)];
        var n = _native is { } file ? file.Read(range, _position) : RandomAccess.Read(_handle!, range, _position);
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
            _native?.Dispose();
            _handle?.Dispose();
        }

        base.Dispose(disposing);
    }
}
