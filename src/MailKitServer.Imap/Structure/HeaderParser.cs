using System.Text;

namespace MailKitServer.Imap.Structure;

/// <summary>Splits a header block into fields, unfolding continuation lines (RFC 5322 §2.2.3) and tolerating obsolete syntax.</summary>
internal static class HeaderParser
{
    /// <summary>Parses a header block, stopping at the first empty line.</summary>
    /// <param name="block">The header octets.</param>
    /// <returns>The fields in order; lines that are not fields are skipped (<see cref="HeaderFieldReader"/>).</returns>
    public static IReadOnlyList<HeaderField> Parse(ReadOnlySpan<byte> block)
    {
        var fields = new List<HeaderField>();
        var reader = new HeaderFieldReader(block);
        while (reader.MoveNext())
        {
            fields.Add(new HeaderField(Encoding.ASCII.GetString(reader.Name), reader.Value()));
        }

        return fields;
    }
}
