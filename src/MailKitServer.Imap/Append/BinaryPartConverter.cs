using System.Buffers;
using System.Buffers.Text;
using System.Text;
using MailKitServer.Imap.Structure;
using MailKitServer.Runtime;

namespace MailKitServer.Imap.Append;

/// <summary>
/// Makes an appended message fit for IMAP literals: a message holding NUL octets (APPEND with literal8, RFC 3516
/// §4.3) has every part whose body holds NUL re-encoded as base64 (its Content-Transfer-Encoding changed to match)
/// before it is stored, as Dovecot does; BINARY[...] still returns the original octets. A message without NUL is
/// stored unchanged. Both passes stream: only one part's block is in memory at a time.
/// </summary>
internal static class BinaryPartConverter
{
    /// <summary>57 octets make one 76-character base64 line (RFC 2045 §6.8).</summary>
    private const int LineOctets = 57;

    /// <summary>Converts the message if it holds NUL.</summary>
    /// <param name="open">Opens the message from its start (called more than once).</param>
    /// <param name="limit">The largest converted message accepted.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>The converted message, or null when it holds no NUL and goes unchanged.</returns>
    public static async ValueTask<MessageSpool?> ConvertAsync(Func<Stream> open, long limit, CancellationToken cancellationToken)
    {
        await using (var scan = open())
        {
            if (!await ContainsNulAsync(scan, long.MaxValue, cancellationToken).ConfigureAwait(false))
            {
                return null;
            }
        }

        StructurePart root;
        await using (var parse = open())
        {
            root = await StructureParser.ParseAsync(parse, null, cancellationToken).ConfigureAwait(false);
        }

        var parts = new List<StructurePart>();
        await using var input = open();
        foreach (var part in root.Descendants().Where(p => p.Children.Count == 0 && p.Message is null).OrderBy(p => p.HeaderOffset))
        {
            input.Seek(part.BodyOffset, SeekOrigin.Begin);
            if (await ContainsNulAsync(input, part.BodySize, cancellationToken).ConfigureAwait(false))
            {
                parts.Add(part);
            }
        }

        var output = new MessageSpool(limit, 1024 * 1024);
        try
        {
            long position = 0;
            foreach (var part in parts)
            {
                await CopyAsync(input, position, part.HeaderOffset - position, output, cancellationToken).ConfigureAwait(false);
                await WriteHeaderAsync(input, part, output, cancellationToken).ConfigureAwait(false);
                await EncodeAsync(input, part.BodyOffset, part.BodySize, output, cancellationToken).ConfigureAwait(false);
                position = part.EndOffset;
            }

            await CopyAsync(input, position, input.Length - position, output, cancellationToken).ConfigureAwait(false);
            return output;
        }
        catch
        {
            output.Dispose();
            throw;
        }
    }

    private static async ValueTask<bool> ContainsNulAsync(Stream input, long length, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            int n;
            while (length > 0 && (n = await input.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, length)), cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (buffer.AsSpan(0, n).Contains((byte)0))
                {
                    return true;
                }

                length -= n;
            }

            return false;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The part's header as written, without its Content-Transfer-Encoding field, then "Content-Transfer-Encoding: base64".</summary>
    private static async ValueTask WriteHeaderAsync(Stream input, StructurePart part, MessageSpool output, CancellationToken cancellationToken)
    {
        input.Seek(part.HeaderOffset, SeekOrigin.Begin);
        var header = new byte[part.HeaderSize];
        await input.ReadExactlyAsync(header, cancellationToken).ConfigureAwait(false);
        var rest = header.AsSpan();
        var skipping = false;
        while (!rest.IsEmpty)
        {
            var lf = rest.IndexOf((byte)'\n');
            var line = lf < 0 ? rest : rest[..(lf + 1)];
            rest = rest[line.Length..];
            if (line.TrimEnd("\r\n"u8).IsEmpty)
            {
                // The blank line that ends the header: the new field goes before it.
                break;
            }

            if (line[0] is not ((byte)' ' or (byte)'\t'))
            {
                var colon = line.IndexOf((byte)':');
                skipping = colon > 0 && Ascii.EqualsIgnoreCase(line[..colon].TrimEnd(" \t"u8), "Content-Transfer-Encoding"u8);
            }

            if (!skipping)
            {
                output.Write(line);
            }
        }

        output.Write("Content-Transfer-Encoding: base64\r\n\r\n"u8);
    }

    private static async ValueTask EncodeAsync(Stream input, long offset, long length, MessageSpool output, CancellationToken cancellationToken)
    {
        input.Seek(offset, SeekOrigin.Begin);
        var block = new byte[LineOctets * 1024];
        var encoded = new byte[(LineOctets * 1024 / 3 * 4) + (1024 * 2)];
        var first = true;
        while (length > 0)
        {
            var want = (int)Math.Min(block.Length, length);
            await input.ReadExactlyAsync(block.AsMemory(0, want), cancellationToken).ConfigureAwait(false);
            length -= want;
            var n = 0;
            for (var line = 0; line < want; line += LineOctets)
            {
                if (!first)
                {
                    encoded[n++] = (byte)'\r';
                    encoded[n++] = (byte)'\n';
                }

                first = false;
                Base64.EncodeToUtf8(block.AsSpan(line, Math.Min(LineOctets, want - line)), encoded.AsSpan(n), out _, out var written);
                n += written;
            }

            output.Write(encoded.AsSpan(0, n));
        }
    }

    private static async ValueTask CopyAsync(Stream input, long offset, long length, MessageSpool output, CancellationToken cancellationToken)
    {
        input.Seek(offset, SeekOrigin.Begin);
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            while (length > 0)
            {
                var n = await input.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, length)), cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                output.Write(buffer.AsSpan(0, n));
                length -= n;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
