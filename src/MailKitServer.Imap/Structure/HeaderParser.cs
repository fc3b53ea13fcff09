using System.Text;

namespace MailKitServer.Imap.Structure;

/// <summary>Splits a header block into fields, unfolding continuation lines (RFC 5322 §2.2.3) and tolerating obsolete syntax.</summary>
internal static class HeaderParser
{
    /// <summary>Parses a header block, stopping at the first empty line.</summary>
    /// <param name="block">The header octets.</param>
    /// <returns>The fields in order; lines that are not fields are skipped.</returns>
    public static IReadOnlyList<HeaderField> Parse(ReadOnlySpan<byte> block)
    {
        var fields = new List<HeaderField>();
        string? name = null;
        var value = new List<byte>();
        while (!block.IsEmpty)
        {
            var lf = block.IndexOf((byte)'\n');
            var line = lf < 0 ? block : block[..lf];
            block = lf < 0 ? default : block[(lf + 1)..];
            if (!line.IsEmpty && line[^1] == (byte)'\r')
            {
                line = line[..^1];
            }

            if (line.IsEmpty)
            {
                break;
            }

            if (line[0] is (byte)' ' or (byte)'\t')
            {
                if (name is not null)
                {
                    value.AddRange(line);
                }

                continue;
            }

            Flush(fields, name, value);
            name = null;
            var colon = line.IndexOf((byte)':');
            if (colon <= 0)
            {
                // Not a field (an mbox "From " line, garbage): skipped.
                continue;
            }

            var fieldName = line[..colon].TrimEnd(" \t"u8);
            if (fieldName.IsEmpty || fieldName.IndexOfAnyExceptInRange((byte)33, (byte)126) >= 0)
            {
                continue;
            }

            name = Encoding.ASCII.GetString(fieldName);
            value.Clear();
            value.AddRange(line[(colon + 1)..]);
        }

        Flush(fields, name, value);
        return fields;
    }

    private static void Flush(List<HeaderField> fields, string? name, List<byte> value)
    {
        if (name is null)
        {
            return;
        }

        var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(value);
        fields.Add(new HeaderField(name, HeaderOctets.Decode(span.TrimStart(" \t"u8).TrimEnd(" \t"u8))));
    }
}
