using System.Text;

namespace MailKitServer.Imap.Fetch;

/// <summary>Selects header fields by name from a raw header block, folding kept (BODY[HEADER.FIELDS (...)], RFC 3501 §6.4.5).</summary>
internal static class HeaderFilter
{
    /// <summary>The fields kept (or all but the named ones), each line ending with CRLF, then the blank line if the header had one (as Dovecot does).</summary>
    /// <param name="header">The header octets, with its blank line if it has one.</param>
    /// <param name="names">The field names.</param>
    /// <param name="exclude">True for HEADER.FIELDS.NOT.</param>
    /// <returns>The selected octets.</returns>
    public static byte[] Select(ReadOnlySpan<byte> header, IReadOnlyCollection<string> names, bool exclude)
    {
        var output = new List<byte>();
        var keep = false;
        var ended = false;
        while (!header.IsEmpty)
        {
            var lf = header.IndexOf((byte)'\n');
            var line = lf < 0 ? header : header[..(lf + 1)];
            header = header[line.Length..];
            var content = line.TrimEnd("\r\n"u8);
            if (content.IsEmpty)
            {
                ended = true;
                break;
            }

            if (line[0] is not ((byte)' ' or (byte)'\t'))
            {
                var colon = content.IndexOf((byte)':');
                var name = colon > 0 ? Encoding.ASCII.GetString(content[..colon]).TrimEnd() : string.Empty;
                var listed = names.Any(n => n.Equals(name, StringComparison.OrdinalIgnoreCase));
                keep = colon > 0 && listed != exclude;
            }

            if (keep)
            {
                output.AddRange(line[^1] == (byte)'\n' ? line : [.. line, .. "\r\n"u8]);
            }
        }

        // The blank line that ends a header is part of the result; a header cut short (by a boundary) has none.
        if (ended)
        {
            output.AddRange("\r\n"u8);
        }

        return [.. output];
    }
}
