using System.Text;
using MailKitServer.SenderAuth;

namespace MailKitServer.Smtp.SenderAuth.Results;

/// <summary>
/// Writes and reads Authentication-Results fields (RFC 8601): one field with every method's result under our
/// authserv-id, and the authserv-id of a field a message arrived with (to remove forgeries of ours, §5).
/// </summary>
internal static class AuthenticationResultsField
{
    /// <summary>The field name.</summary>
    public const string Name = "Authentication-Results";

    /// <summary>The whole field, folded one method result per line, ending in CRLF.</summary>
    /// <param name="authServId">Our authserv-id.</param>
    /// <param name="spf">The SPF check that counts (MAIL FROM, or HELO for the null sender).</param>
    /// <param name="helo">The SPF check of the HELO name when it was made besides the MAIL FROM check, else <see langword="null"/>.</param>
    /// <param name="dkim">Each signature's result.</param>
    /// <param name="dmarc">The DMARC result.</param>
    /// <param name="arc">The ARC result.</param>
    public static string Format(string authServId, SpfOutcome spf, SpfOutcome? helo, IReadOnlyList<DkimOutcome> dkim, DmarcOutcome dmarc, ArcOutcome arc)
    {
        var sb = new StringBuilder(Name).Append(": ").Append(authServId);
        Spf(sb, spf);

        // RFC 8601 §2.7.2: the HELO identity is reported as its own spf result with the smtp.helo property.
        if (helo is not null && !ReferenceEquals(helo, spf))
        {
            Spf(sb, helo);
        }

        if (dkim.Count == 0)
        {
            Method(sb, "dkim", "none", null);
        }

        foreach (var d in dkim)
        {
            var properties = new List<(string, string?)> { ("header.d", d.Domain), ("header.s", d.Selector), ("header.a", d.Algorithm), ("header.b", d.SignaturePrefix) };
            Method(sb, "dkim", Lower(d.Result), d.Result == DkimResult.Pass ? null : d.Reason, [.. properties]);
        }

        var comment = dmarc.Policy is { } p ? $"p={Lower(p)} dis={Lower(dmarc.Disposition)}" : null;
        Method(sb, "dmarc", Lower(dmarc.Result), dmarc.Result is DmarcResult.Pass or DmarcResult.Fail ? null : dmarc.Reason, comment, ("header.from", dmarc.FromDomain));
        Method(sb, "arc", Lower(arc.Result), arc.Result == ArcResult.Fail ? arc.Reason : null);
        return sb.Append("\r\n").ToString();
    }

    /// <summary>
    /// The authserv-id of a field value (RFC 8601 §2.2: <c>[CFWS] authserv-id [ CFWS authres-version ] ...</c>), or
    /// <see langword="null"/> when the value does not start with one.
    /// </summary>
    public static string? ReadAuthServId(string value)
    {
        var i = SkipCfws(value, 0);
        if (i >= value.Length)
        {
            return null;
        }

        if (value[i] == '"')
        {
            var sb = new StringBuilder();
            for (i++; i < value.Length && value[i] != '"'; i++)
            {
                if (value[i] == '\\' && i + 1 < value.Length)
                {
                    i++;
                }

                sb.Append(value[i]);
            }

            return i < value.Length ? sb.ToString() : null;
        }

        var start = i;
        while (i < value.Length && value[i] is not (';' or '(' or ' ' or '\t' or '"'))
        {
            i++;
        }

        return i > start ? value[start..i] : null;
    }

    private static void Spf(StringBuilder sb, SpfOutcome spf)
    {
        var ptype = spf.Identity == "helo" ? "smtp.helo" : "smtp.mailfrom";
        Method(sb, "spf", Lower(spf.Result), spf.Result is SpfResult.Pass or SpfResult.Fail or SpfResult.SoftFail or SpfResult.Neutral or SpfResult.None ? null : spf.Explanation, (ptype, spf.Domain));
    }

    private static void Method(StringBuilder sb, string method, string result, string? reason, params (string Name, string? Value)[] properties) =>
        Method(sb, method, result, reason, null, properties);

    private static void Method(StringBuilder sb, string method, string result, string? reason, string? comment, params (string Name, string? Value)[] properties)
    {
        sb.Append(";\r\n\t").Append(method).Append('=').Append(result);
        if (comment is not null)
        {
            sb.Append(" (").Append(Clean(comment)).Append(')');
        }

        if (reason is not null)
        {
            sb.Append(" reason=").Append(Quote(reason.Length > 200 ? reason[..200] : reason));
        }

        foreach (var (name, value) in properties)
        {
            if (!string.IsNullOrEmpty(value))
            {
                sb.Append(' ').Append(name).Append('=').Append(IsToken(value) ? value : Quote(value));
            }
        }
    }

    /// <summary>A token (RFC 2045 §5.1): no spaces, controls or tspecials; '@' and '.' are allowed in a pvalue domain.</summary>
    private static bool IsToken(string value) => value.All(c => c is > ' ' and < (char)0x7f && !"()<>,;:\\\"/[]?=".Contains(c, StringComparison.Ordinal));

    private static string Quote(string value)
    {
        var sb = new StringBuilder("\"");
        foreach (var c in value)
        {
            if (c is '"' or '\\')
            {
                sb.Append('\\');
            }

            sb.Append(char.IsControl(c) ? ' ' : c);
        }

        return sb.Append('"').ToString();
    }

    private static string Clean(string comment) => new(comment.Select(c => c is '(' or ')' or '\\' || char.IsControl(c) ? ' ' : c).ToArray());

    private static int SkipCfws(string value, int i)
    {
        var depth = 0;
        for (; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '(')
            {
                depth++;
            }
            else if (c == ')' && depth > 0)
            {
                depth--;
            }
            else if (c == '\\' && depth > 0)
            {
                i++;
            }
            else if (depth == 0 && c is not (' ' or '\t' or '\r' or '\n'))
            {
                break;
            }
        }

        return i;
    }

    private static string Lower<T>(T value)
        where T : struct, Enum => value.ToString().ToLowerInvariant();
}
