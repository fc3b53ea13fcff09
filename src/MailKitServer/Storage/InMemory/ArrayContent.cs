using MailKitServer.Runtime;

namespace MailKitServer.Storage.InMemory;

/// <summary>A stored message in an array of its own.</summary>
internal sealed class ArrayContent(byte[] bytes) : MessageContent
{
    public override long Length => bytes.LongLength;

    public override Stream OpenRead(long start, long count) => new MemoryStream(bytes, (int)start, (int)count, writable: false);

    /// <summary>
    /// Reads a whole message into an array. Stored messages live long: they go to the pinned object heap, which the GC
    /// never compacts, so keeping many of them costs no copying on promotion, with their pages faulted in at once
    /// (<see cref="PrefaultedArrays"/>). A seekable stream is read straight into an array of the exact size.
    /// </summary>
    public static async ValueTask<MessageContent?> ReadAsync(Stream content, long maxSize, CancellationToken cancellationToken)
    {
        if (content.CanSeek)
        {
            var length = content.Length - content.Position;
            if (length > maxSize)
            {
                return null;
            }

            var exact = PrefaultedArrays.Allocate((int)length);
            await content.ReadExactlyAsync(exact, cancellationToken).ConfigureAwait(false);
            return new ArrayContent(exact);
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16384];
        int n;
        while ((n = await content.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + n > maxSize)
            {
                // Keep reading to the end so the caller's stream is consumed, but keep nothing.
                while (await content.ReadAsync(chunk, cancellationToken).ConfigureAwait(false) > 0)
                {
                }

                return null;
            }

            buffer.Write(chunk, 0, n);
        }

        var bytes = PrefaultedArrays.Allocate((int)buffer.Length);
        buffer.GetBuffer().AsSpan(0, bytes.Length).CopyTo(bytes);
        return new ArrayContent(bytes);
    }
}
