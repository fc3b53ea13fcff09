using System.Globalization;
using System.Text;
using MailKitServer.Imap.Parsing;
using MailKitServer.Imap.Structure;
using MailKitServer.Storage;

namespace MailKitServer.Imap.Responses;

/// <summary>Formatting of IMAP response values.</summary>
internal static class ImapFormat
{
    private const SystemFlags AllSystemFlags = SystemFlags.Seen | SystemFlags.Answered | SystemFlags.Flagged | SystemFlags.Deleted | SystemFlags.Draft;
    private const int RecentBit = 32;

    /// <summary>The flag lists of messages without keywords, by system flags and \Recent, made as first needed.</summary>
    private static readonly string?[] SystemOnly = new string?[2 * RecentBit];

    public static string Flags(MessageInfo m) => Flags(m.Flags, m.Keywords);

    public static string Flags(SystemFlags flags, IEnumerable<string> keywords, bool recent = false)
    {
        if (keywords is IReadOnlyCollection<string> { Count: 0 } && (flags & ~AllSystemFlags) == 0)
        {
            // Most messages carry no keyword: one string per combination, made once (issue 24: a FETCH FLAGS of
            // 20,000 messages made a list, a joined string and its parenthesized copy for each).
            var index = (int)flags | (recent ? RecentBit : 0);
            return SystemOnly[index] ??= Format(flags, [], recent);
        }

        return Format(flags, keywords, recent);
    }

    private static string Format(SystemFlags flags, IEnumerable<string> keywords, bool recent)
    {
        var parts = new List<string>();
        if (recent)
        {
            parts.Add("\\Recent");
        }

        if ((flags & SystemFlags.Seen) != 0)
        {
            parts.Add("\\Seen");
        }

        if ((flags & SystemFlags.Answered) != 0)
        {
            parts.Add("\\Answered");
        }

        if ((flags & SystemFlags.Flagged) != 0)
        {
            parts.Add("\\Flagged");
        }

        if ((flags & SystemFlags.Deleted) != 0)
        {
            parts.Add("\\Deleted");
        }

        if ((flags & SystemFlags.Draft) != 0)
        {
            parts.Add("\\Draft");
        }

        parts.AddRange(keywords);
        return "(" + string.Join(' ', parts) + ")";
    }

    /// <summary>An astring or string for a response: quoted when possible, else a literal.</summary>
    public static string String(string value)
    {
        var sb = new StringBuilder();
        ImapStructureWriter.NString(sb, value);
        return sb.ToString();
    }

    /// <summary>A mailbox name on the wire: modified UTF-7 (RFC 3501 §5.1.3), or UTF-8 once the client enabled it (RFC 9051 §5.1, RFC 6855 §3).</summary>
    public static string Mailbox(string name, bool utf8)
    {
        if (!utf8)
        {
            return String(ModifiedUtf7.Encode(name));
        }

        var sb = new StringBuilder();
        ImapStructureWriter.NString(sb, name, utf8: true);
        return sb.ToString();
    }

    /// <summary>RFC 3501 date-time: "dd-Mon-yyyy hh:mm:ss +zzzz".</summary>
    public static string DateTime(DateTimeOffset date) =>
        "\"" + date.ToString("dd-MMM-yyyy HH:mm:ss ", CultureInfo.InvariantCulture) + (date.Offset < TimeSpan.Zero ? "-" : "+") + date.Offset.Duration().ToString("hhmm", CultureInfo.InvariantCulture) + "\"";

    public static bool TryParseFlag(string text, out SystemFlags flag, out string? keyword)
    {
        keyword = null;
        flag = text.ToUpperInvariant() switch
        {
            "\\SEEN" => SystemFlags.Seen,
            "\\ANSWERED" => SystemFlags.Answered,
            "\\FLAGGED" => SystemFlags.Flagged,
            "\\DELETED" => SystemFlags.Deleted,
            "\\DRAFT" => SystemFlags.Draft,
            _ => SystemFlags.None,
        };
        if (flag != SystemFlags.None)
        {
            return true;
        }

        if (text.StartsWith('\\'))
        {
            // \Recent cannot be stored; other system flags are unknown.
            return text.Equals("\\Recent", StringComparison.OrdinalIgnoreCase);
        }

        if (text.Length == 0 || text.Any(c => c <= ' ' || c > '~' || "(){%*\"\\]".Contains(c, StringComparison.Ordinal)))
        {
            return false;
        }

        keyword = text;
        return true;
    }

    public static bool TryParseDate(string text, out DateTimeOffset date) =>
        DateTimeOffset.TryParseExact(text, ["d-MMM-yyyy", "dd-MMM-yyyy"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out date);

    public static bool TryParseDateTime(string text, out DateTimeOffset date)
    {
        // RFC 3501 date-time: "dd-Mon-yyyy hh:mm:ss +zzzz" (day may be space-padded); .NET wants the zone as +zz:zz.
        var t = text.Trim();
        if (t.Length > 5 && t[^5] is '+' or '-')
        {
            t = t[..^2] + ":" + t[^2..];
        }

        return DateTimeOffset.TryParseExact(t, ["dd-MMM-yyyy HH:mm:ss zzz", "d-MMM-yyyy HH:mm:ss zzz"], CultureInfo.InvariantCulture, DateTimeStyles.None, out date);
    }
}
