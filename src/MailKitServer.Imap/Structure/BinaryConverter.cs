namespace MailKitServer.Imap.Structure;

/// <summary>
/// BINARY[section] (RFC 3516 §4.1): the octets of a section with every leaf part's Content-Transfer-Encoding undone,
/// as Dovecot gives them. A leaf's body is decoded; a multipart or message/rfc822 keeps its boundaries, preamble and
/// epilogue and converts the parts inside it; a part header whose encoding was undone says
/// <c>Content-Transfer-Encoding: binary</c> instead (its other fields and their order are kept).
/// </summary>
internal static class BinaryConverter
{
    private static readonly byte[] BinaryField = "Content-Transfer-Encoding: binary\r\n"u8.ToArray();

    /// <summary>
    /// Whether every part BINARY would convert has an encoding it can undo (RFC 3516 §4.3: else the FETCH fails with
    /// [UNKNOWN-CTE]).
    /// </summary>
    /// <param name="part">The part the section names (the message for BINARY[]).</param>
    /// <returns>True when BINARY can be answered.</returns>
    public static bool CanConvert(StructurePart part)
    {
        ArgumentNullException.ThrowIfNull(part);
        foreach (var p in part.Descendants())
        {
            if (!IsKnown(p.TransferEncoding))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Converts a part.</summary>
    /// <param name="part">The part the section names.</param>
    /// <param name="withHeader">Whether its header comes first (BINARY[] of the message).</param>
    /// <param name="source">The stored octets from <see cref="SourceStart"/> to the part's end.</param>
    /// <returns>The converted octets.</returns>
    public static byte[] Convert(StructurePart part, bool withHeader, ReadOnlySpan<byte> source)
    {
        ArgumentNullException.ThrowIfNull(part);
        var output = new List<byte>(source.Length);
        var origin = SourceStart(part, withHeader);
        Add(part, withHeader, source, origin, output);
        return [.. output];
    }

    /// <summary>Where the octets <see cref="Convert"/> needs start: the part's header, or its body.</summary>
    /// <param name="part">The part, from the message's structure.</param>
    /// <param name="withHeader">Whether the header is included.</param>
    /// <returns>The offset in the message.</returns>
    public static long SourceStart(StructurePart part, bool withHeader)
    {
        ArgumentNullException.ThrowIfNull(part);
        return withHeader ? part.HeaderOffset : part.BodyOffset;
    }

    private static bool IsKnown(string encoding) => encoding is "7bit" or "8bit" or "binary" or "base64" or "quoted-printable";

    private static bool IsConverted(string encoding) => encoding is "base64" or "quoted-printable";

    private static void Add(StructurePart part, bool withHeader, ReadOnlySpan<byte> source, long origin, List<byte> output)
    {
        var encoding = part.TransferEncoding;
        IReadOnlyList<StructurePart> children = part.Message is { } inner ? [inner] : part.Children;
        if (withHeader)
        {
            // RFC 2046 §5.1, §5.2.1: a multipart or message/rfc822 may only be 7bit, 8bit or binary; a header that
            // claims otherwise is left as it is, as Dovecot leaves it.
            var header = Slice(source, origin, part.HeaderOffset, part.BodyOffset);
            if (IsConverted(encoding) && children.Count == 0)
            {
                RewriteHeader(header, output);
            }
            else
            {
                output.AddRange(header);
            }
        }

        if (children.Count > 0)
        {
            var cursor = part.BodyOffset;
            foreach (var child in children)
            {
                output.AddRange(Slice(source, origin, cursor, child.HeaderOffset));
                Add(child, withHeader: true, source, origin, output);
                cursor = Math.Max(cursor, child.EndOffset);
            }

            output.AddRange(Slice(source, origin, cursor, part.EndOffset));
            return;
        }

        output.AddRange(TransferDecoding.Decode(Slice(source, origin, part.BodyOffset, part.EndOffset), encoding));
    }

    /// <summary>The octets [from, to) of the message, out of the span that holds them from <paramref name="origin"/> on.</summary>
    private static ReadOnlySpan<byte> Slice(ReadOnlySpan<byte> source, long origin, long from, long to) =>
        source[(int)Math.Clamp(from - origin, 0, source.Length)..(int)Math.Clamp(Math.Max(from, to) - origin, 0, source.Length)];

    /// <summary>The header without its Content-Transfer-Encoding fields, with "Content-Transfer-Encoding: binary" before its blank line.</summary>
    private static void RewriteHeader(ReadOnlySpan<byte> header, List<byte> output)
    {
        var dropping = false;
        var added = false;
        while (!header.IsEmpty)
        {
            var lf = header.IndexOf((byte)'\n');
            var line = lf < 0 ? header : header[..(lf + 1)];
            header = header[line.Length..];
            var content = line.TrimEnd("\r\n"u8);
            if (content.IsEmpty)
            {
                output.AddRange(BinaryField);
                added = true;
                output.AddRange(line);
                continue;
            }

            if (line[0] is not ((byte)' ' or (byte)'\t'))
            {
                var colon = content.IndexOf((byte)':');
                dropping = colon > 0 && System.Text.Ascii.EqualsIgnoreCase(content[..colon].TrimEnd(" \t"u8), "Content-Transfer-Encoding"u8);
            }

            if (!dropping)
            {
                output.AddRange(line);
            }
        }

        if (!added)
        {
            output.AddRange(BinaryField);
        }
    }
}
