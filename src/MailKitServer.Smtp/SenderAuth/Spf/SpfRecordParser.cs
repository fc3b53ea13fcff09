using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using MailKitServer.SenderAuth;

namespace MailKitServer.Smtp.SenderAuth.Spf;

/// <summary>
/// Parses an SPF record (RFC 7208 §4.6.1, §12 ABNF) in full before anything is evaluated, so a syntax error anywhere
/// is a permerror even when an earlier mechanism would have matched (§4.6).
/// </summary>
internal static class SpfRecordParser
{
    /// <summary>The version section that starts every SPF record (§4.5).</summary>
    public const string Version = "v=spf1";

    /// <summary>Whether a TXT record is an SPF record: it starts with <c>v=spf1</c> followed by a space or its end (§4.5).</summary>
    public static bool IsSpfRecord(string text) =>
        text.StartsWith(Version, StringComparison.OrdinalIgnoreCase) && (text.Length == Version.Length || text[Version.Length] == ' ');

    /// <summary>Parses a record that <see cref="IsSpfRecord"/> accepted.</summary>
    /// <param name="text">The record.</param>
    /// <param name="record">The parsed record.</param>
    /// <param name="error">Why it is not valid.</param>
    /// <returns>Whether it is valid.</returns>
    public static bool TryParse(string text, [NotNullWhen(true)] out SpfRecord? record, [NotNullWhen(false)] out string? error)
    {
        record = null;
        var mechanisms = new List<SpfMechanism>();
        string? redirect = null;
        string? explanation = null;

        // terms = *( 1*SP ( directive / modifier ) ); only SP separates terms.
        foreach (var term in text[Version.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var nameLength = ModifierNameLength(term);
            if (nameLength > 0 && nameLength < term.Length && term[nameLength] == '=')
            {
                var name = term[..nameLength];
                var value = term[(nameLength + 1)..];
                if (name.Equals("redirect", StringComparison.OrdinalIgnoreCase) || name.Equals("exp", StringComparison.OrdinalIgnoreCase))
                {
                    if (!IsDomainSpec(value))
                    {
                        error = $"'{term}': not a valid domain-spec";
                        return false;
                    }

                    // §6: redirect and exp may each appear at most once.
                    var isExp = name.Length == 3;
                    if ((isExp ? explanation : redirect) is not null)
                    {
                        error = $"'{name}' appears more than once";
                        return false;
                    }

                    if (isExp)
                    {
                        explanation = value;
                    }
                    else
                    {
                        redirect = value;
                    }
                }
                else if (!SpfMacro.IsValid(value, explanation: false))
                {
                    // §6: unknown modifiers are ignored, but must still be syntactically valid.
                    error = $"'{term}': not a valid macro-string";
                    return false;
                }

                continue;
            }

            if (!TryParseDirective(term, out var mechanism, out error))
            {
                return false;
            }

            mechanisms.Add(mechanism);
        }

        record = new SpfRecord(mechanisms, redirect, explanation);
        error = null;
        return true;
    }

    /// <summary>The length of a modifier name at the start (ALPHA *( ALPHA / DIGIT / "-" / "_" / "." )), or 0.</summary>
    private static int ModifierNameLength(string term)
    {
        if (term.Length == 0 || !char.IsAsciiLetter(term[0]))
        {
            return 0;
        }

        var i = 1;
        while (i < term.Length && (char.IsAsciiLetterOrDigit(term[i]) || term[i] is '-' or '_' or '.'))
        {
            i++;
        }

        return i;
    }

    private static bool TryParseDirective(string term, [NotNullWhen(true)] out SpfMechanism? mechanism, [NotNullWhen(false)] out string? error)
    {
        mechanism = null;
        var qualifier = Qualifier(term[0]);
        var i = qualifier is null ? 0 : 1;
        var nameStart = i;
        while (i < term.Length && char.IsAsciiLetterOrDigit(term[i]))
        {
            i++;
        }

        var name = term[nameStart..i].ToLowerInvariant();
        if (TryParseMechanism(qualifier ?? SpfResult.Pass, name, term[i..], out mechanism, out var unknown))
        {
            error = null;
            return true;
        }

        // §4.6.1 and §5: an unknown mechanism is a permerror.
        error = unknown ? $"'{term}': unknown mechanism" : $"'{term}': not a valid {name} mechanism";
        return false;
    }

    /// <summary>A directive's leading qualifier (§4.6.2), or null when it has none (then it is "+").</summary>
    private static SpfResult? Qualifier(char c) => c switch
    {
        '+' => SpfResult.Pass,
        '-' => SpfResult.Fail,
        '~' => SpfResult.SoftFail,
        '?' => SpfResult.Neutral,
        _ => null,
    };

    /// <param name="qualifier">The directive's result when it matches.</param>
    /// <param name="name">The mechanism name, lower case.</param>
    /// <param name="rest">What follows the name in the term.</param>
    /// <param name="mechanism">The mechanism, when valid.</param>
    /// <param name="unknown">Set when the name is no mechanism at all (rather than a known one written wrong).</param>
    private static bool TryParseMechanism(SpfResult qualifier, string name, string rest, [NotNullWhen(true)] out SpfMechanism? mechanism, out bool unknown)
    {
        mechanism = null;
        unknown = false;
        switch (name)
        {
            case "all" when rest.Length == 0:
                mechanism = new SpfMechanism(qualifier, SpfMechanismKind.All, null, null, 32, 128);
                return true;
            case "include" or "exists":
                if (rest.Length < 2 || rest[0] != ':' || !IsDomainSpec(rest[1..]))
                {
                    break;
                }

                mechanism = new SpfMechanism(qualifier, name == "include" ? SpfMechanismKind.Include : SpfMechanismKind.Exists, rest[1..], null, 32, 128);
                return true;
            case "a" or "mx":
                if (!TrySplitDomainAndCidr(rest, out var domain, out var cidr) || !TryParseDualCidr(cidr, out var v4, out var v6))
                {
                    break;
                }

                mechanism = new SpfMechanism(qualifier, name == "a" ? SpfMechanismKind.A : SpfMechanismKind.Mx, domain, null, v4, v6);
                return true;
            case "ptr":
                if (rest.Length == 0)
                {
                    mechanism = new SpfMechanism(qualifier, SpfMechanismKind.Ptr, null, null, 32, 128);
                    return true;
                }

                if (rest.Length < 2 || rest[0] != ':' || !IsDomainSpec(rest[1..]))
                {
                    break;
                }

                mechanism = new SpfMechanism(qualifier, SpfMechanismKind.Ptr, rest[1..], null, 32, 128);
                return true;
            case "ip4" or "ip6":
                return TryParseIpMechanism(qualifier, name == "ip6", rest, out mechanism);
            default:
                unknown = true;
                return false;
        }

        return false;
    }

    /// <summary>ip4 ":" ip4-network [ ip4-cidr-length ], ip6 ":" ip6-network [ ip6-cidr-length ] (§5.6); <paramref name="rest"/> starts at the colon.</summary>
    private static bool TryParseIpMechanism(SpfResult qualifier, bool v6, string rest, [NotNullWhen(true)] out SpfMechanism? mechanism)
    {
        mechanism = null;
        if (rest.Length < 2 || rest[0] != ':')
        {
            return false;
        }

        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var networkText = slash < 0 ? rest[1..] : rest[1..slash];
        var max = v6 ? 128 : 32;
        var prefix = max;
        if (slash >= 0 && !TryParseCidr(rest[(slash + 1)..], max, out prefix))
        {
            return false;
        }

        if (v6 ? !TryParseIp6(networkText, out var network) : !TryParseIp4(networkText, out network))
        {
            return false;
        }

        mechanism = new SpfMechanism(qualifier, v6 ? SpfMechanismKind.Ip6 : SpfMechanismKind.Ip4, null, network, v6 ? 32 : prefix, v6 ? prefix : 128);
        return true;
    }

    /// <summary>
    /// Splits <c>[":" domain-spec] [dual-cidr-length]</c>. The CIDR part is only what the end of the term holds
    /// (<c>/24</c>, <c>//64</c>, <c>/24//64</c>): a domain-spec may itself hold ':' and '/' (<c>a:foo:bar/baz.example.com</c>).
    /// </summary>
    private static bool TrySplitDomainAndCidr(string rest, out string? domain, out string cidr)
    {
        domain = null;
        var end = rest.Length;
        var v6 = TrailingPrefixStart(rest, end);
        if (v6 > 0 && rest[v6 - 1] == '/')
        {
            end = v6 - 1;
        }

        var v4 = TrailingPrefixStart(rest, end);
        if (v4 >= 0 && (v4 == 0 || rest[v4 - 1] != '/'))
        {
            end = v4;
        }

        cidr = rest[end..];
        var spec = rest[..end];
        if (spec.Length == 0)
        {
            return true;
        }

        if (spec[0] != ':')
        {
            return false;
        }

        domain = spec[1..];
        return IsDomainSpec(domain);

        // The index of the '/' that starts "/digits" ending at end, or -1.
        static int TrailingPrefixStart(string text, int end)
        {
            var i = end;
            while (i > 0 && char.IsAsciiDigit(text[i - 1]))
            {
                i--;
            }

            return i < end && i > 0 && text[i - 1] == '/' ? i - 1 : -1;
        }
    }

    /// <summary>dual-cidr-length = [ ip4-cidr-length ] [ "/" ip6-cidr-length ] (§5.6).</summary>
    private static bool TryParseDualCidr(string text, out int v4, out int v6)
    {
        v4 = 32;
        v6 = 128;
        if (text.Length == 0)
        {
            return true;
        }

        if (text[0] != '/')
        {
            return false;
        }

        var v6Start = text.IndexOf("//", StringComparison.Ordinal);
        if (v6Start != 0 && !TryParseCidr(v6Start < 0 ? text[1..] : text[1..v6Start], 32, out v4))
        {
            return false;
        }

        return v6Start < 0 || TryParseCidr(text[(v6Start + 2)..], 128, out v6);
    }

    /// <summary>A prefix length: "0" or a number without leading zeros, at most <paramref name="max"/>.</summary>
    private static bool TryParseCidr(string text, int max, out int prefix)
    {
        prefix = 0;
        return text.Length is > 0 and <= 3
            && (text.Length == 1 || text[0] != '0')
            && text.All(char.IsAsciiDigit)
            && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out prefix)
            && prefix <= max;
    }

    /// <summary>ip4-network = qnum "." qnum "." qnum "." qnum, each 0-255 without leading zeros.</summary>
    private static bool TryParseIp4(string text, [NotNullWhen(true)] out IPAddress? address)
    {
        address = null;
        var parts = text.Split('.');
        if (parts.Length != 4)
        {
            return false;
        }

        var bytes = new byte[4];
        for (var i = 0; i < 4; i++)
        {
            var p = parts[i];
            if (p.Length is 0 or > 3 || (p.Length > 1 && p[0] == '0') || !p.All(char.IsAsciiDigit) || int.Parse(p, CultureInfo.InvariantCulture) > 255)
            {
                return false;
            }

            bytes[i] = byte.Parse(p, CultureInfo.InvariantCulture);
        }

        address = new IPAddress(bytes);
        return true;
    }

    private static bool TryParseIp6(string text, [NotNullWhen(true)] out IPAddress? address)
    {
        address = null;
        if (!text.Contains(':', StringComparison.Ordinal) || text.Contains('%', StringComparison.Ordinal) || text.Contains('[', StringComparison.Ordinal)
            || !IPAddress.TryParse(text, out var parsed) || parsed.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return false;
        }

        address = parsed;
        return true;
    }

    /// <summary>
    /// domain-spec = macro-string domain-end; domain-end = ( "." toplabel [ "." ] ) / macro-expand (§7.1). The part
    /// after the last dot must be a top label (not all digits) unless the spec ends in a macro.
    /// </summary>
    public static bool IsDomainSpec(string text)
    {
        if (text.Length == 0 || !SpfMacro.IsValid(text, explanation: false))
        {
            return false;
        }

        if (SpfMacro.EndsWithMacro(text))
        {
            return true;
        }

        var body = text.EndsWith('.') ? text[..^1] : text;
        var dot = body.LastIndexOf('.');
        if (dot < 0)
        {
            return false;
        }

        return IsTopLabel(body[(dot + 1)..]);
    }

    /// <summary>toplabel = ( *alphanum ALPHA *alphanum ) / ( 1*alphanum "-" *( alphanum / "-" ) alphanum ).</summary>
    private static bool IsTopLabel(string label)
    {
        if (label.Length == 0 || !label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
        {
            return false;
        }

        if (!label.Contains('-', StringComparison.Ordinal))
        {
            return label.Any(char.IsAsciiLetter);
        }

        return label[0] != '-' && label[^1] != '-';
    }
}
