namespace MailKitServer.Storage.InMemory;

/// <summary>
/// A stored message's octets, read-only and shared by its copies (COPY, MOVE, RENAME): in an array of its own, or in
/// the process's <see cref="MemoryFile"/> (messages of <see cref="FileThreshold"/> octets and more, where there is one).
/// </summary>
internal abstract class MessageContent
{
    /// <summary>Smaller messages share pages of the pinned heap with others: a file's pages of their own would cost more.</summary>
    internal const int FileThreshold = 4096;

    // A 1 MiB message in four writes; a pooled buffer (the copy into it is of memory in use, cheap).
    private const int CopyChunk = 256 * 1024;

    /// <summary>How many octets.</summary>
    public abstract long Length { get; }

    /// <summary>A read-only, seekable stream over <paramref name="count"/> octets from <paramref name="start"/>.</summary>
    public abstract Stream OpenRead(long start, long count);

    /// <summary>
    /// Reads a whole message from <paramref name="content"/> and keeps it: in <paramref name="file"/> when there is one,
    /// the stream is seekable and the message is at least <see cref="FileThreshold"/> octets, else in an array.
    /// </summary>
    /// <returns>The content, or <see langword="null"/> when it is longer than <paramref name="maxSize"/> (the stream is read to its end).</returns>
    public static async ValueTask<MessageContent?> ReadAsync(Stream content, long maxSize, MemoryFile? file, CancellationToken cancellationToken)
    {
        if (file is null || !content.CanSeek || content.Length - content.Position < FileThreshold)
        {
            return await ArrayContent.ReadAsync(content, maxSize, cancellationToken).ConfigureAwait(false);
        }

        var length = content.Length - content.Position;
        if (length > maxSize)
        {
            return null;
        }

        var stored = new FileContent(file, file.Reserve(length), length);
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent((int)Math.Min(length, CopyChunk));
        try
        {
            for (long done = 0; done < length;)
            {
                var n = await content.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, length - done)), cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    throw new EndOfStreamException("The message ended before its length.");
                }

                file.Write(stored.Offset + done, buffer.AsSpan(0, n));
                done += n;
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }

        return stored;
    }
}
