using System.Buffers;
using MailKitServer.Imap.Structure;

namespace MailKitServer.Imap.Sorting;

/// <summary>
/// Reads only the top-level header of a stored message (up to the first empty line), so SORT and THREAD never read
/// a body. Bounded like the MIME parser's header (<see cref="StructureLimits.MaxHeaderBytes"/>): fields beyond
/// the bound are not seen.
/// </summary>
internal static class MessageHeaderReader
{
    /// <summary>The octets the first read asks for: a page.</summary>
    private const int FirstRead = 4096;

    /// <summary>Reads and parses the header fields.</summary>
    /// <param name="content">The message content stream, at its start.</param>
    /// <param name="maxBytes">The most header octets read.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The header fields.</returns>
    public static async ValueTask<IReadOnlyList<HeaderField>> ReadAsync(Stream content, int maxBytes, CancellationToken cancellationToken) =>
        HeaderParser.Parse(await ReadBlockAsync(content, maxBytes, cancellationToken).ConfigureAwait(false));

    /// <summary>Reads the header block's octets (up to and including the empty line, or as much as the bound allows).</summary>
    /// <param name="content">The message content stream, at its start.</param>
    /// <param name="maxBytes">The most header octets read.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The octets, for <see cref="HeaderParser.Parse"/>.</returns>
    public static async ValueTask<byte[]> ReadBlockAsync(Stream content, int maxBytes, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(maxBytes, 16 * 1024));
        try
        {
            var length = 0;
            var end = -1;
            while (end < 0 && length < maxBytes)
            {
                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(Math.Min(maxBytes, buffer.Length * 2));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                // The first read asks for one page: most headers end within it, and the rest of the file (its body)
                // is neither copied nor looked up in the page cache (issue 24: FETCH ENVELOPE reads 20,000 headers).
                var room = Math.Min(buffer.Length, maxBytes) - length;
                var read = await content.ReadAsync(buffer.AsMemory(length, length == 0 ? Math.Min(room, FirstRead) : room), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                // Look for the empty line from a little before the new data (its CR LF may straddle reads).
                var from = Math.Max(0, length - 3);
                length += read;
                end = HeaderEnd(buffer.AsSpan(0, length), from);
            }

            return buffer.AsSpan(0, end < 0 ? length : end).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The length of the header including its terminating empty line, or -1 when not seen yet.</summary>
    /// <param name="data">The message's first octets.</param>
    /// <param name="searchFrom">Where the empty line may start to be found (earlier octets were searched before).</param>
    /// <returns>The header's length, or -1.</returns>
    internal static int HeaderEnd(ReadOnlySpan<byte> data, int searchFrom)
    {
        if (data.StartsWith("\r\n"u8))
        {
            return 2;
        }

        if (data.StartsWith("\n"u8))
        {
            return 1;
        }

        var window = data[searchFrom..];
        var crlf = window.IndexOf("\n\r\n"u8);
        var lf = window.IndexOf("\n\n"u8);
        return (crlf, lf) switch
        {
            ( < 0, < 0) => -1,
            ( >= 0, < 0) => searchFrom + crlf + 3,
            ( < 0, >= 0) => searchFrom + lf + 2,
            _ => searchFrom + Math.Min(crlf + 3, lf + 2),
        };
    }
}
