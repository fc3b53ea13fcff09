namespace MailKitServer.Storage.InMemory;

/// <summary>
/// A stored message in the process's <see cref="MemoryFile"/>. Its pages go back to the system when the content is
/// collected (no message, copy or open stream refers to it any more), as an array's memory would.
/// </summary>
internal sealed class FileContent(MemoryFile file, long offset, long length) : MessageContent
{
    /// <summary>Where the message starts in the file.</summary>
    public long Offset { get; } = offset;

    public override long Length { get; } = length;

    ~FileContent()
    {
        file.Free(Offset, Length);
    }

    public override Stream OpenRead(long start, long count) => new FileContentStream(this, start, count);

    /// <summary>Reads from <paramref name="position"/> (within the message) into <paramref name="buffer"/>.</summary>
    public int Read(long position, Span<byte> buffer)
    {
        var n = file.Read(Offset + position, buffer);

        // Until the read is over the content must not be collected: its finalizer would free the pages under it.
        GC.KeepAlive(this);
        return n;
    }
}
