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

    /// <summary>
    /// The fields ENVELOPE reads (RFC 3501 §7.4.2: Date, Subject, From, Sender, Reply-To, To, Cc, Bcc, In-Reply-To,
    /// Message-ID), every occurrence in order as <see cref="Parse"/> gives them, and no other field made into text: a
    /// first FETCH ENVELOPE of a large mailbox reads every message's header (issue 24), most of whose fields
    /// (Received, DKIM-Signature, Content-Type...) it does not show. Names are given as spelled in RFC 5322, not as
    /// written (ENVELOPE looks them up ignoring case).
    /// </summary>
    /// <param name="block">The header octets.</param>
    /// <returns>The envelope's fields in order.</returns>
    public static IReadOnlyList<HeaderField> ParseEnvelopeFields(ReadOnlySpan<byte> block)
    {
        var fields = new List<HeaderField>(10);
        var reader = new HeaderFieldReader(block);
        while (reader.MoveNext())
        {
            if (EnvelopeFieldName(reader.Name) is { } name)
            {
                fields.Add(new HeaderField(name, reader.Value()));
            }
        }

        return fields;
    }

    /// <summary>The name of an ENVELOPE field (any case as written), or <see langword="null"/> for another field.</summary>
    private static string? EnvelopeFieldName(ReadOnlySpan<byte> name) => name.Length switch
    {
        2 => Ascii.EqualsIgnoreCase(name, "To"u8) ? "To" : Ascii.EqualsIgnoreCase(name, "Cc"u8) ? "Cc" : null,
        3 => Ascii.EqualsIgnoreCase(name, "Bcc"u8) ? "Bcc" : null,
        4 => Ascii.EqualsIgnoreCase(name, "From"u8) ? "From" : Ascii.EqualsIgnoreCase(name, "Date"u8) ? "Date" : null,
        6 => Ascii.EqualsIgnoreCase(name, "Sender"u8) ? "Sender" : null,
        7 => Ascii.EqualsIgnoreCase(name, "Subject"u8) ? "Subject" : null,
        8 => Ascii.EqualsIgnoreCase(name, "Reply-To"u8) ? "Reply-To" : null,
        10 => Ascii.EqualsIgnoreCase(name, "Message-ID"u8) ? "Message-ID" : null,
        11 => Ascii.EqualsIgnoreCase(name, "In-Reply-To"u8) ? "In-Reply-To" : null,
        _ => null,
    };
}
