using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using MailKitServer.SenderAuth;

namespace MailKitServer.Smtp.SenderAuth.Dmarc;

/// <summary>A DMARC policy record (RFC 7489 §6.3): the tags this receiver uses.</summary>
/// <param name="Policy">p=.</param>
/// <param name="SubdomainPolicy">sp=, or <see langword="null"/> when absent.</param>
/// <param name="StrictDkim">adkim=s.</param>
/// <param name="StrictSpf">aspf=s.</param>
/// <param name="Percent">pct= (0-100).</param>
internal sealed record DmarcRecord(DmarcPolicy Policy, DmarcPolicy? SubdomainPolicy, bool StrictDkim, bool StrictSpf, int Percent)
{
    /// <summary>Whether a TXT record is a DMARC record: its first tag is exactly <c>v=DMARC1</c> (§6.6.3).</summary>
    public static bool IsDmarcRecord(string text)
    {
        var first = text.Split(';')[0].Split('=', 2);
        return first.Length == 2 && first[0].Trim().Equals("v", StringComparison.OrdinalIgnoreCase) && first[1].Trim() == "DMARC1";
    }

    /// <summary>
    /// Reads a record. A missing or invalid p= (or an invalid sp=) makes the record p=none when it names at least one
    /// valid rua= address, and unusable otherwise (§6.6.3).
    /// </summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out DmarcRecord? record)
    {
        record = null;
        var tags = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in text.Split(';'))
        {
            var pair = part.Split('=', 2);
            if (pair.Length == 2)
            {
                tags.TryAdd(pair[0].Trim(), pair[1].Trim());
            }
        }

        var policy = ParsePolicy(tags.GetValueOrDefault("p"));
        var subdomain = tags.TryGetValue("sp", out var sp) ? ParsePolicy(sp) : null;
        if (policy is null || (sp is not null && subdomain is null))
        {
            if (!HasReportAddress(tags.GetValueOrDefault("rua")))
            {
                return false;
            }

            policy = DmarcPolicy.None;
            subdomain = null;
        }

        var percent = tags.TryGetValue("pct", out var pct) && int.TryParse(pct, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p is >= 0 and <= 100 ? p : 100;
        record = new DmarcRecord(policy.Value, subdomain, IsStrict(tags.GetValueOrDefault("adkim")), IsStrict(tags.GetValueOrDefault("aspf")), percent);
        return true;
    }

    private static DmarcPolicy? ParsePolicy(string? value) => value?.ToLowerInvariant() switch
    {
        "none" => DmarcPolicy.None,
        "quarantine" => DmarcPolicy.Quarantine,
        "reject" => DmarcPolicy.Reject,
        _ => null,
    };

    private static bool IsStrict(string? value) => string.Equals(value, "s", StringComparison.OrdinalIgnoreCase);

    private static bool HasReportAddress(string? rua) =>
        rua is not null && rua.Split(',').Any(u => Uri.TryCreate(u.Trim().Split('!')[0], UriKind.Absolute, out var uri) && uri.Scheme.Length > 0);
}
