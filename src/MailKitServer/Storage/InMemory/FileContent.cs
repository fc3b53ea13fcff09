namespace MailKitServer.Storage.InMemory;

/// <summary>
/// A stored message in the process's <see cref="MemoryFile"/>. Its pages go back to the system when the content is
/// collected (no message, copy or open stream refers to it any more), as an array's memory would.
/// </summary>
internal sealed class FileContent : MessageContent
{
    private readonly MemoryFile _file;

    public FileContent(MemoryFile file, long offset, long length)
    {
        _file = file;
        Offset = offset;
        Length = length;

        // The GC sees a small object; told what it holds, it collects removed messages as it would their arrays.
        GC.AddMemoryPressure(length);
    }

    /// <summary>Where the message starts in the file.</summary>
    public long Offset { get; }

    public override long Length { get; }

    ~FileContent()
    {
        _file.Free(Offset, Length);
        GC.RemoveMemoryPressure(Length);
    }

    public override Stream OpenRead(long start, long count) => new FileContentStream(this, start, count);

    /// <summary>Reads from <paramref name="position"/> (within the message) into <paramref name="buffer"/>.</summary>
    public int Read(long position, Span<byte> buffer)
    {
        var n = _file.Read(Offset + position, buffer);

        // Until the read is over the content must not be collected: its finalizer would free the pages under it.
        GC.KeepAlive(this);
        return n;
    }
}
