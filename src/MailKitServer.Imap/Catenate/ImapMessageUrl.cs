using System.Globalization;
using System.Text;

namespace MailKitServer.Imap.Catenate;

/// <summary>
/// A relative IMAP URL naming a message or message part of the current user (RFC 5092 §5 imessagepart, as RFC 4469
/// §3 allows in CATENATE): <c>/INBOX;UIDVALIDITY=385759045/;UID=20/;SECTION=1.MIME/;PARTIAL=0.1024</c>. The
/// mailbox is percent-encoded UTF-8; parameter names are case-insensitive.
/// </summary>
/// <param name="Mailbox">The mailbox name, decoded.</param>
/// <param name="UidValidity">The UIDVALIDITY the URL was made for, when given: a mismatch makes the URL invalid.</param>
/// <param name="Uid">The message's UID.</param>
/// <param name="Section">The section text (such as <c>HEADER</c>, <c>1.MIME</c>, <c>TEXT</c>), or null for the whole message.</param>
/// <param name="PartialOffset">The first octet of a partial, when given.</param>
/// <param name="PartialLength">How many octets of a partial, when given.</param>
internal sealed record ImapMessageUrl(string Mailbox, uint? UidValidity, uint Uid, string? Section, long? PartialOffset, long? PartialLength)
{
    /// <summary>Longer URLs are refused: no real one comes close.</summary>
    public const int MaxLength = 8192;

    /// <summary>Parses a relative URL (absolute path form). Absolute URLs, URLAUTH and message lists are refused.</summary>
    /// <param name="text">The URL.</param>
    /// <param name="url">The parsed URL.</param>
    /// <returns><see langword="true"/> when it names one message or part.</returns>
    public static bool TryParse(string text, out ImapMessageUrl url)
    {
        url = null!;
        if (text.Length is 0 or > MaxLength || text[0] != '/' || text.StartsWith("//", StringComparison.Ordinal))
        {
            return false;
        }

        // "/" enc-mailbox [";UIDVALIDITY=" nz-number] "/;UID=" nz-number ...
        var uidAt = text.IndexOf("/;UID=", StringComparison.OrdinalIgnoreCase);
        if (uidAt < 1)
        {
            return false;
        }

        var mailboxPart = text[1..uidAt];
        uint? uidValidity = null;
        var validityAt = mailboxPart.IndexOf(";UIDVALIDITY=", StringComparison.OrdinalIgnoreCase);
        if (validityAt >= 0)
        {
            if (!TryNzNumber(mailboxPart[(validityAt + ";UIDVALIDITY=".Length)..], out var validity))
            {
                return false;
            }

            uidValidity = validity;
            mailboxPart = mailboxPart[..validityAt];
        }

        if (mailboxPart.Length == 0 || mailboxPart.Contains(';', StringComparison.Ordinal) || !TryPercentDecode(mailboxPart, out var mailbox))
        {
            return false;
        }

        // The rest: ";UID=n" then optional "/;SECTION=x" and "/;PARTIAL=o[.l]", in that order.
        var segments = text[(uidAt + 1)..].Split('/');
        if (!TryParameter(segments[0], "UID", out var uidText) || !TryNzNumber(uidText, out var uid))
        {
            return false;
        }

        string? section = null;
        long? offset = null, length = null;
        var next = 1;
        if (next < segments.Length && TryParameter(segments[next], "SECTION", out var sectionText))
        {
            if (!TryPercentDecode(sectionText, out var decoded) || decoded.Length == 0)
            {
                return false;
            }

            section = decoded;
            next++;
        }

        if (next < segments.Length && TryParameter(segments[next], "PARTIAL", out var partialText))
        {
            if (!TryPartial(partialText, out var o, out length))
            {
                return false;
            }

            offset = o;
            next++;
        }

        // Anything else (";URLAUTH=", a trailing slash, unknown parameters) is outside what CATENATE takes here.
        if (next != segments.Length)
        {
            return false;
        }

        url = new ImapMessageUrl(mailbox, uidValidity, uid, section, offset, length);
        return true;
    }

    private static bool TryParameter(string segment, string name, out string value)
    {
        value = string.Empty;
        if (segment.Length <= name.Length + 2 || segment[0] != ';' || !segment.AsSpan(1, name.Length).Equals(name, StringComparison.OrdinalIgnoreCase) || segment[name.Length + 1] != '=')
        {
            return false;
        }

        value = segment[(name.Length + 2)..];
        return true;
    }

    /// <summary>RFC 5092 §9: partial-range = number ["." nz-number].</summary>
    private static bool TryPartial(string text, out long offset, out long? length)
    {
        length = null;
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        var offsetText = dot < 0 ? text : text[..dot];
        if (!TryNumber(offsetText, out var o))
        {
            offset = 0;
            return false;
        }

        offset = o;
        if (dot < 0)
        {
            return true;
        }

        if (!TryNzNumber(text[(dot + 1)..], out var l))
        {
            return false;
        }

        length = l;
        return true;
    }

    private static bool TryNumber(string text, out uint value) =>
        uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && text.Length > 0 && (text.Length == 1 || text[0] != '0');

    private static bool TryNzNumber(string text, out uint value) => TryNumber(text, out value) && value > 0;

    /// <summary>Decodes %XX escapes to octets and the octets as UTF-8 (RFC 5092 §3.2, RFC 3986 §2.1).</summary>
    private static bool TryPercentDecode(string text, out string decoded)
    {
        decoded = text;
        if (!text.Contains('%', StringComparison.Ordinal))
        {
            return true;
        }

        var bytes = new List<byte>(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            if (text[i] != '%')
            {
                var run = text.IndexOf('%', i);
                run = run < 0 ? text.Length : run;
                bytes.AddRange(Encoding.UTF8.GetBytes(text, i, run - i));
                i = run;
                continue;
            }

            if (i + 2 >= text.Length || !byte.TryParse(text.AsSpan(i + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var b))
            {
                return false;
            }

            bytes.Add(b);
            i += 3;
        }

        try
        {
            decoded = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes.ToArray());
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }
}
