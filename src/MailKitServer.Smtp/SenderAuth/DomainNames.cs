namespace MailKitServer.Smtp.SenderAuth;

/// <summary>Checks on domain names as the sender authentication methods use them.</summary>
internal static class DomainNames
{
    /// <summary>The longest domain name in text form, without the final dot (RFC 1035 §2.3.4).</summary>
    public const int MaxLength = 253;

    /// <summary>
    /// Whether <paramref name="name"/> is a syntactically usable multi-label domain name: at least two labels of 1 to
    /// 63 characters, at most 253 characters, not an address literal (RFC 7208 §4.3). Labels may hold any octet DNS
    /// can carry (SPF macros produce names such as <c>macro%percent  space.example.com</c>).
    /// </summary>
    public static bool IsMultiLabel(string name)
    {
        var trimmed = name.EndsWith('.') ? name[..^1] : name;
        if (trimmed.Length is 0 or > MaxLength || trimmed.StartsWith('['))
        {
            return false;
        }

        var labels = 0;
        foreach (var range in trimmed.AsSpan().Split('.'))
        {
            var label = trimmed.AsSpan()[range];
            if (label.Length is 0 or > 63)
            {
                return false;
            }

            labels++;
        }

        return labels >= 2;
    }

    /// <summary>The name in lower case without a final dot, for comparisons and lookups.</summary>
    public static string Normalize(string name) => (name.EndsWith('.') ? name[..^1] : name).ToLowerInvariant();

    /// <summary>Whether <paramref name="name"/> is <paramref name="domain"/> or one of its subdomains (case-insensitive).</summary>
    public static bool IsSameOrSubdomain(string name, string domain)
    {
        var n = name.TrimEnd('.');
        var d = domain.TrimEnd('.');
        return n.Equals(d, StringComparison.OrdinalIgnoreCase)
            || (n.Length > d.Length && n[n.Length - d.Length - 1] == '.' && n.EndsWith(d, StringComparison.OrdinalIgnoreCase));
    }
}
