namespace MailKitServer.Runtime;

/// <summary>
/// The base of read-only, seekable views of content held elsewhere (spool chunks, a message with edits): the position
/// is kept here and clamped to <see cref="Stream.Length"/>; a subclass reads from <see cref="ReadPosition"/> and
/// moves it with <see cref="Advance"/>.
/// </summary>
internal abstract class SeekableReadStream : Stream
{
    /// <summary>Where the next read starts.</summary>
    protected long ReadPosition { get; private set; }

    public sealed override bool CanRead => true;

    public sealed override bool CanSeek => true;

    public sealed override bool CanWrite => false;

    public sealed override long Position
    {
        get => ReadPosition;
        set => ReadPosition = Math.Clamp(value, 0, Length);
    }

    public sealed override long Seek(long offset, SeekOrigin origin)
    {
        Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => ReadPosition + offset,
            _ => Length + offset,
        };
        return ReadPosition;
    }

    public sealed override void Flush()
    {
    }

    public sealed override void SetLength(long value) => throw new NotSupportedException();

    public sealed override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <summary>Moves the position past <paramref name="count"/> octets just read.</summary>
    protected void Advance(int count) => ReadPosition += count;
}
