using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace MailKitServer.Addresses;

/// <summary>
/// An address as it travels in an SMTP envelope (RFC 5321 §4.1.2 <c>Mailbox</c>): a local part and a domain,
/// where the domain may be an address literal such as <c>[127.0.0.1]</c>. Comparison of the domain is
/// case-insensitive; the local part is kept exactly as given (RFC 5321 §2.4), though directories usually fold it.
/// </summary>
public sealed class MailAddress : IEquatable<MailAddress>
{
    private MailAddress(string localPart, string domain)
    {
        LocalPart = localPart;
        Domain = domain;
    }

    /// <summary>The local part, without quotes (a quoted local part is unquoted here).</summary>
    public string LocalPart { get; }

    /// <summary>The domain, or an address literal including its brackets.</summary>
    public string Domain { get; }

    /// <summary>Whether the domain is an address literal (<c>[1.2.3.4]</c> or <c>[IPv6:...]</c>).</summary>
    public bool IsAddressLiteral => Domain.StartsWith('[');

    /// <summary>The address as <c>local@domain</c>, quoting the local part when RFC 5321 requires it.</summary>
    public string Address => NeedsQuoting(LocalPart) ? $"{Quote(LocalPart)}@{Domain}" : $"{LocalPart}@{Domain}";

    /// <summary>Creates an address from its parts after validating them.</summary>
    /// <param name="localPart">The (unquoted) local part.</param>
    /// <param name="domain">A domain name (U-labels allowed) or an address literal such as <c>[192.0.2.1]</c>.</param>
    /// <returns>The address.</returns>
    public static MailAddress Create(string localPart, string domain)
    {
        ArgumentException.ThrowIfNullOrEmpty(localPart);
        ArgumentException.ThrowIfNullOrEmpty(domain);
        return TryParse(NeedsQuoting(localPart) ? $"{Quote(localPart)}@{domain}" : $"{localPart}@{domain}", allowUtf8: true, out var a)
            ? a
            : throw new FormatException($"'{localPart}@{domain}' is not a valid address.");
    }

    /// <summary>Parses <c>local@domain</c> following RFC 5321 §4.1.2 (dot-atom or quoted local part; domain or address literal).</summary>
    /// <param name="text">The address text, without angle brackets.</param>
    /// <param name="allowUtf8">Whether UTF-8 is allowed in the local part and domain (RFC 6531 SMTPUTF8).</param>
    /// <param name="address">The parsed address.</param>
    /// <returns><see langword="true"/> when the text is a valid address.</returns>
    public static bool TryParse(ReadOnlySpan<char> text, bool allowUtf8, [NotNullWhen(true)] out MailAddress? address)
    {
        address = null;
        if (text.Length is 0 or > 320)
        {
            return false;
        }

        int at;
        string local;
        if (text[0] == '"')
        {
            var sb = new StringBuilder();
            var i = 1;
            var closed = false;
            for (; i < text.Length; i++)
            {
                var c = text[i];
                if (c == '\\')
                {
                    // RFC 5321 §4.1.2 quoted-pairSMTP: %d92 %d32-126
                    if (++i >= text.Length || text[i] < 32 || (text[i] > 126 && !allowUtf8))
                    {
                        return false;
                    }

                    sb.Append(text[i]);
                }
                else if (c == '"')
                {
                    closed = true;
                    break;
                }
                else if (c < 32 || c == 127 || (c > 127 && !allowUtf8))
                {
                    return false;
                }
                else
                {
                    sb.Append(c);
                }
            }

            if (!closed || i + 1 >= text.Length || text[i + 1] != '@')
            {
                return false;
            }

            at = i + 1;
            local = sb.ToString();
            if (local.Length is 0 or > 64)
            {
                return false;
            }
        }
        else
        {
            at = text.LastIndexOf('@');
            if (at <= 0 || at > 64 || !IsDotAtom(text[..at], allowUtf8))
            {
                return false;
            }

            local = text[..at].ToString();
        }

        var domain = text[(at + 1)..];
        if (!IsDomainOrLiteral(domain, allowUtf8))
        {
            return false;
        }

        address = new MailAddress(local, domain.ToString());
        return true;
    }

    /// <summary>Whether the text is a valid domain name (RFC 5321 §4.1.2 <c>Domain</c>).</summary>
    /// <param name="domain">The text, without a trailing dot and without brackets (an address literal is not a domain here).</param>
    /// <param name="allowUtf8">Whether U-labels (RFC 6531) are allowed.</param>
    /// <returns><see langword="true"/> for a syntactically valid domain.</returns>
    public static bool IsDomain(ReadOnlySpan<char> domain, bool allowUtf8)
    {
        if (domain.Length is 0 or > 255 || domain[0] == '.' || domain[^1] == '.')
        {
            return false;
        }

        var labelLength = 0;
        var previous = '.';
        foreach (var c in domain)
        {
            if (c == '.')
            {
                if (labelLength == 0 || previous == '-')
                {
                    return false;
                }

                labelLength = 0;
            }
            else if (char.IsAsciiLetterOrDigit(c) || (c == '-' && labelLength > 0) || (c > 127 && allowUtf8 && !char.IsControl(c) && !char.IsWhiteSpace(c)))
            {
                if (++labelLength > 63)
                {
                    return false;
                }
            }
            else
            {
                return false;
            }

            previous = c;
        }

        return previous != '-';
    }

    private static bool IsDomainOrLiteral(ReadOnlySpan<char> domain, bool allowUtf8)
    {
        if (domain.Length > 2 && domain[0] == '[' && domain[^1] == ']')
        {
            // RFC 5321 §4.1.3 address literals.
            var inner = domain[1..^1];
            if (inner.StartsWith("IPv6:", StringComparison.OrdinalIgnoreCase))
            {
                return System.Net.IPAddress.TryParse(inner[5..], out var v6) && v6.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
            }

            return System.Net.IPAddress.TryParse(inner, out var v4) && v4.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && inner.Count('.') == 3;
        }

        return IsDomain(domain, allowUtf8);
    }

    private static bool IsDotAtom(ReadOnlySpan<char> s, bool allowUtf8)
    {
        if (s.IsEmpty || s[0] == '.' || s[^1] == '.')
        {
            return false;
        }

        var previousDot = false;
        foreach (var c in s)
        {
            if (c == '.')
            {
                if (previousDot)
                {
                    return false;
                }

                previousDot = true;
                continue;
            }

            previousDot = false;
            if (!IsAtext(c) && !(c > 127 && allowUtf8 && !char.IsControl(c) && !char.IsWhiteSpace(c)))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>RFC 5322 §3.2.3 atext.</summary>
    private static bool IsAtext(char c) => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-/=?^_`{|}~".Contains(c, StringComparison.Ordinal);

    private static bool NeedsQuoting(string local) => !IsDotAtom(local, allowUtf8: true);

    private static string Quote(string local) => "\"" + local.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    /// <inheritdoc />
    public bool Equals(MailAddress? other) =>
        other is not null && string.Equals(LocalPart, other.LocalPart, StringComparison.Ordinal) && string.Equals(Domain, other.Domain, StringComparison.OrdinalIgnoreCase);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as MailAddress);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(StringComparer.Ordinal.GetHashCode(LocalPart), StringComparer.OrdinalIgnoreCase.GetHashCode(Domain));

    /// <inheritdoc />
    public override string ToString() => Address;
}
