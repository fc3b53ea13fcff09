using System.Buffers;
using System.Globalization;
using System.Text;

namespace MailKitServer.Imap.Structure;

/// <summary>
/// Writes ENVELOPE, BODY and BODYSTRUCTURE in IMAP syntax (RFC 3501 §7.4.2, RFC 9051 §7.5.2). Strings that hold
/// CR, LF, NUL or non-ASCII are written as literals, as IMAP4rev1 requires outside UTF8=ACCEPT.
/// </summary>
internal static class ImapStructureWriter
{
    /// <summary>CR, LF and NUL: what only a literal can carry.</summary>
    private static readonly SearchValues<char> LiteralOnly = SearchValues.Create("\r\n\0");

    /// <summary>Writes the ENVELOPE of a message.</summary>
    /// <returns>The parenthesised list.</returns>
    public static string Envelope(ImapEnvelope envelope) => Envelope(new StringBuilder(), envelope).ToString();

    /// <summary>
    /// Appends the ENVELOPE of a message to a builder the caller keeps (a FETCH ENVELOPE of a large mailbox formats one
    /// per message: no builder or array of its own each time).
    /// </summary>
    /// <param name="sb">The output.</param>
    /// <param name="envelope">The envelope.</param>
    /// <returns><paramref name="sb"/>.</returns>
    public static StringBuilder Envelope(StringBuilder sb, ImapEnvelope envelope)
    {
        ArgumentNullException.ThrowIfNull(sb);
        ArgumentNullException.ThrowIfNull(envelope);
        sb.Append('(');
        NString(sb, envelope.Date);
        sb.Append(' ');
        NString(sb, envelope.Subject);
        sb.Append(' ');
        Addresses(sb, envelope.From);
        sb.Append(' ');
        Addresses(sb, envelope.Sender);
        sb.Append(' ');
        Addresses(sb, envelope.ReplyTo);
        sb.Append(' ');
        Addresses(sb, envelope.To);
        sb.Append(' ');
        Addresses(sb, envelope.Cc);
        sb.Append(' ');
        Addresses(sb, envelope.Bcc);
        sb.Append(' ');
        NString(sb, envelope.InReplyTo);
        sb.Append(' ');
        NString(sb, envelope.MessageId);
        return sb.Append(')');
    }

    /// <summary>Writes BODYSTRUCTURE (with extension data) or BODY (without).</summary>
    /// <param name="entity">The message or part.</param>
    /// <param name="extensible">True for BODYSTRUCTURE, false for BODY.</param>
    /// <param name="imap4rev2">Whether message/global is shown as an encapsulated message (RFC 9051 §7.5.2); IMAP4rev1 knows only message/rfc822.</param>
    /// <returns>The parenthesised structure.</returns>
    public static string BodyStructure(StructurePart entity, bool extensible, bool imap4rev2 = false)
    {
        ArgumentNullException.ThrowIfNull(entity);
        var sb = new StringBuilder();
        Write(sb, entity, extensible, imap4rev2);
        return sb.ToString();
    }

    /// <summary>Appends an IMAP nstring: NIL, a quoted string, or a literal.</summary>
    /// <param name="sb">The output.</param>
    /// <param name="value">The value, or null for NIL.</param>
    public static void NString(StringBuilder sb, string? value) => NString(sb, value, utf8: false);

    /// <summary>Appends an IMAP nstring: NIL, a quoted string, or a literal when quoting cannot carry the value.</summary>
    /// <param name="sb">The response being built.</param>
    /// <param name="value">The value, or null for NIL.</param>
    /// <param name="utf8">Whether UTF-8 may be quoted (IMAP4rev2 and UTF8=ACCEPT, RFC 9051 §4.3, RFC 6855 §3).</param>
    public static void NString(StringBuilder sb, string? value, bool utf8)
    {
        ArgumentNullException.ThrowIfNull(sb);
        if (value is null)
        {
            sb.Append("NIL");
            return;
        }

        // Octets of a header that is not UTF-8 can only go in a literal, even where UTF-8 may be quoted. RFC 3501 §4.3:
        // a quoted string holds no CR, LF or NUL (nor, outside UTF-8, anything beyond 7 bits).
        var chars = value.AsSpan();
        var needsLiteral = chars.ContainsAny(LiteralOnly) || (!utf8 && chars.ContainsAnyExceptInRange('\0', '\u007F'));
        if (needsLiteral || value.Length > 4096 || HeaderOctets.HasEscapes(chars))
        {
            sb.Append('{').Append(HeaderOctets.Count(value).ToString(CultureInfo.InvariantCulture)).Append("}\r\n").Append(value);
            return;
        }

        // Spans between the characters a quoted string escapes, appended whole.
        sb.Append('"');
        while (chars.IndexOfAny('"', '\\') is var special and >= 0)
        {
            sb.Append(chars[..special]).Append('\\').Append(chars[special]);
            chars = chars[(special + 1)..];
        }

        sb.Append(chars).Append('"');
    }

    private static void Write(StringBuilder sb, StructurePart e, bool extensible, bool rev2)
    {
        var type = e.ContentType;
        sb.Append('(');
        if (type.IsMultipart)
        {
            foreach (var child in e.Children)
            {
                Write(sb, child, extensible, rev2);
            }

            if (e.Children.Count == 0)
            {
                // A multipart without parts still needs one body (RFC 3501 body-type-mpart is 1*body): an empty text part.
                sb.Append("(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 0 0").Append(extensible ? " NIL NIL NIL NIL)" : ")");
            }

            sb.Append(' ');
            NString(sb, type.RawSubType);
            if (extensible)
            {
                sb.Append(' ');
                Parameters(sb, type.RawParameters);
                Extension(sb, e);
            }

            sb.Append(')');
            return;
        }

        NString(sb, type.RawMediaType);
        sb.Append(' ');
        NString(sb, type.RawSubType);
        sb.Append(' ');

        // RFC 2045 §5.2: a text part without a charset is us-ascii; say so, as Dovecot does.
        Parameters(sb, type.MediaType == "text" && type["charset"] is null ? [.. type.RawParameters, new PartParameter("charset", "us-ascii")] : type.RawParameters);
        sb.Append(' ');
        NString(sb, e.GetHeader("Content-ID"));
        sb.Append(' ');
        NString(sb, e.GetHeader("Content-Description"));
        sb.Append(' ');
        NString(sb, e.GetHeader("Content-Transfer-Encoding")?.Trim() is { Length: > 0 } enc ? enc : "7bit");
        sb.Append(' ').Append(e.BodySize.ToString(CultureInfo.InvariantCulture));
        if (type.IsMessage && (rev2 || type.SubType == "rfc822") && e.Message is { } inner)
        {
            Envelope(sb.Append(' '), ImapEnvelope.FromMessage(inner)).Append(' ');
            Write(sb, inner, extensible, rev2);
            sb.Append(' ').Append(e.BodyLines.ToString(CultureInfo.InvariantCulture));
        }
        else if (type.MediaType == "text")
        {
            sb.Append(' ').Append(e.BodyLines.ToString(CultureInfo.InvariantCulture));
        }

        if (extensible)
        {
            sb.Append(' ');
            NString(sb, e.GetHeader("Content-MD5"));
            Extension(sb, e);
        }

        sb.Append(')');
    }

    private static void Extension(StringBuilder sb, StructurePart e)
    {
        // body-fld-dsp body-fld-lang body-fld-loc
        sb.Append(' ');
        if (e.Disposition is { } d)
        {
            sb.Append('(');
            NString(sb, d.RawDisposition);
            sb.Append(' ');
            Parameters(sb, d.RawParameters);
            sb.Append(')');
        }
        else
        {
            sb.Append("NIL");
        }

        sb.Append(' ');
        var languages = e.GetHeader("Content-Language")?.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries);
        if (languages is null || languages.Length == 0)
        {
            sb.Append("NIL");
        }
        else if (languages.Length == 1)
        {
            NString(sb, languages[0]);
        }
        else
        {
            sb.Append('(');
            for (var i = 0; i < languages.Length; i++)
            {
                if (i > 0)
                {
                    sb.Append(' ');
                }

                NString(sb, languages[i]);
            }

            sb.Append(')');
        }

        sb.Append(' ');
        NString(sb, e.GetHeader("Content-Location"));
    }

    private static void Parameters(StringBuilder sb, IReadOnlyList<PartParameter> parameters)
    {
        if (parameters.Count == 0)
        {
            sb.Append("NIL");
            return;
        }

        sb.Append('(');
        for (var i = 0; i < parameters.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(' ');
            }

            NString(sb, parameters[i].Name);
            sb.Append(' ');
            NString(sb, parameters[i].Value);
        }

        sb.Append(')');
    }

    private static void Addresses(StringBuilder sb, IReadOnlyList<EnvelopeAddress> list)
    {
        if (list.Count == 0)
        {
            sb.Append("NIL");
            return;
        }

        sb.Append('(');
        for (var i = 0; i < list.Count; i++)
        {
            var a = list[i];
            sb.Append('(');
            NString(sb, a.Name);
            sb.Append(' ');
            NString(sb, a.Route);
            sb.Append(' ');
            NString(sb, a.Mailbox);
            sb.Append(' ');
            NString(sb, a.Host);
            sb.Append(')');
        }

        sb.Append(')');
    }
}
