using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using MailKitServer.SenderAuth;

namespace MailKitServer.Smtp.SenderAuth.Spf;

/// <summary>
/// SPF macros (RFC 7208 §7): syntax checks and expansion. An expansion is bounded: past
/// <see cref="MaxExpansion"/> characters it ends the evaluation with a permerror instead of growing further.
/// </summary>
internal static class SpfMacro
{
    /// <summary>The longest expansion produced; a domain name is cut to 253 characters afterwards (§7.3).</summary>
    public const int MaxExpansion = 4096;

    private const string Delimiters = ".-+,/_=";

    /// <summary>Whether <paramref name="text"/> is a valid macro-string (§7.1); <c>c</c>, <c>r</c> and <c>t</c> only in explanations.</summary>
    public static bool IsValid(string text, bool explanation)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c != '%')
            {
                // macro-literal = %x21-24 / %x26-7E; explanations (exp TXT) may also hold spaces.
                if (c is < '!' or > '~' && !(explanation && c == ' '))
                {
                    return false;
                }

                continue;
            }

            if (!TryReadMacro(text, i, explanation, out var end, out _, out _, out _, out _))
            {
                return false;
            }

            i = end - 1;
        }

        return true;
    }

    /// <summary>Whether the string ends with a macro-expand (a domain-spec may end so instead of with a top label).</summary>
    public static bool EndsWithMacro(string text)
    {
        if (text.Length >= 2 && text[^2] == '%' && text[^1] is '%' or '_' or '-')
        {
            return CountPercentRun(text, text.Length - 2) % 2 == 1;
        }

        if (!text.EndsWith('}'))
        {
            return false;
        }

        var open = text.LastIndexOf("%{", StringComparison.Ordinal);
        return open >= 0 && CountPercentRun(text, open) % 2 == 1 && TryReadMacro(text, open, explanation: true, out var end, out _, out _, out _, out _) && end == text.Length;
    }

    /// <summary>Expands a macro-string.</summary>
    /// <param name="text">A string <see cref="IsValid"/> accepted.</param>
    /// <param name="domain">%{d}: the current domain.</param>
    /// <param name="context">The other macro values.</param>
    /// <param name="explanation">Whether it is an explanation (no domain cutting, <c>c r t</c> allowed).</param>
    /// <param name="cancellationToken">Cancels the %{p} lookup.</param>
    /// <returns>The expansion.</returns>
    /// <exception cref="SpfException">A syntax error, or an expansion longer than <see cref="MaxExpansion"/> (permerror).</exception>
    public static async ValueTask<string> ExpandAsync(string text, string domain, SpfMacroContext context, bool explanation, CancellationToken cancellationToken)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c != '%')
            {
                sb.Append(c);
                Check(sb);
                continue;
            }

            if (!TryReadMacro(text, i, explanation, out var end, out var letter, out var digits, out var reverse, out var delimiters))
            {
                throw new SpfException(SpfResult.PermError, $"invalid macro in '{text}'");
            }

            i = end - 1;
            switch (letter)
            {
                case '%': sb.Append('%'); break;
                case '_': sb.Append(' '); break;
                case '-': sb.Append("%20"); break;
                default:
                    var value = await ValueAsync(char.ToLowerInvariant(letter), domain, context, cancellationToken).ConfigureAwait(false);
                    var transformed = Transform(value, digits, reverse, delimiters);
                    sb.Append(char.IsAsciiLetterUpper(letter) ? Uri.EscapeDataString(transformed) : transformed);
                    break;
            }

            Check(sb);
        }

        return sb.ToString();

        static void Check(StringBuilder sb)
        {
            if (sb.Length > MaxExpansion)
            {
                throw new SpfException(SpfResult.PermError, $"macro expansion longer than {MaxExpansion} characters");
            }
        }
    }

    /// <summary>
    /// Expands a domain-spec and makes it a name to look up: without a final dot, cut from the left to at most 253
    /// characters by whole labels (§7.3).
    /// </summary>
    public static async ValueTask<string> ExpandDomainAsync(string spec, string domain, SpfMacroContext context, CancellationToken cancellationToken)
    {
        var name = await ExpandAsync(spec, domain, context, explanation: false, cancellationToken).ConfigureAwait(false);
        if (name.EndsWith('.'))
        {
            name = name[..^1];
        }

        while (name.Length > DomainNames.MaxLength)
        {
            var dot = name.IndexOf('.', StringComparison.Ordinal);
            if (dot < 0)
            {
                throw new SpfException(SpfResult.PermError, "macro expansion is not a usable domain name");
            }

            name = name[(dot + 1)..];
        }

        return name;
    }

    /// <summary>
    /// Reads one macro at <paramref name="start"/> (which holds '%'): <c>%%</c>, <c>%_</c>, <c>%-</c> or
    /// <c>%{ letter *DIGIT [r] *delimiter }</c>.
    /// </summary>
    private static bool TryReadMacro(string text, int start, bool explanation, out int end, out char letter, out int digits, out bool reverse, out string delimiters)
    {
        end = start;
        letter = '\0';
        digits = 0;
        reverse = false;
        delimiters = ".";
        if (start + 1 >= text.Length)
        {
            return false;
        }

        var next = text[start + 1];
        if (next is '%' or '_' or '-')
        {
            letter = next;
            end = start + 2;
            return true;
        }

        if (next != '{' || start + 2 >= text.Length)
        {
            return false;
        }

        letter = text[start + 2];
        var lower = char.ToLowerInvariant(letter);
        if (!"slodiphv".Contains(lower, StringComparison.Ordinal) && !(explanation && lower is 'c' or 'r' or 't'))
        {
            return false;
        }

        var i = start + 3;
        var digitStart = i;
        while (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            i++;
        }

        if (i > digitStart)
        {
            // §7.3: if a DIGIT transformer is given, it must be nonzero; large values keep every part.
            var span = text.AsSpan(digitStart, Math.Min(i - digitStart, 4));
            digits = int.Parse(span, NumberStyles.None, CultureInfo.InvariantCulture);
            if (digits == 0)
            {
                return false;
            }
        }

        if (i < text.Length && text[i] is 'r' or 'R')
        {
            reverse = true;
            i++;
        }

        var delimiterStart = i;
        while (i < text.Length && Delimiters.Contains(text[i], StringComparison.Ordinal))
        {
            i++;
        }

        if (i > delimiterStart)
        {
            delimiters = text[delimiterStart..i];
        }

        if (i >= text.Length || text[i] != '}')
        {
            return false;
        }

        end = i + 1;
        return true;
    }

    /// <summary>How many '%' run back from <paramref name="index"/> (inclusive): an odd count means that '%' starts a macro.</summary>
    private static int CountPercentRun(string text, int index)
    {
        var count = 0;
        while (index >= 0 && text[index] == '%')
        {
            count++;
            index--;
        }

        return count;
    }

    private static async ValueTask<string> ValueAsync(char letter, string domain, SpfMacroContext context, CancellationToken cancellationToken) => letter switch
    {
        's' => context.Sender,
        'l' => context.LocalPart,
        'o' => context.SenderDomain,
        'd' => domain,
        'i' => DottedAddress(context.Client),
        'p' => await context.ValidatedName(domain, cancellationToken).ConfigureAwait(false),
        'v' => context.Client.AddressFamily == AddressFamily.InterNetworkV6 ? "ip6" : "in-addr",
        'h' => context.Helo,
        'c' => context.Client.ToString(),
        'r' => context.Receiver,
        't' => context.Timestamp.ToString(CultureInfo.InvariantCulture),
        _ => throw new SpfException(SpfResult.PermError, $"unknown macro letter '{letter}'"),
    };

    /// <summary>%{i}: dotted decimal for IPv4, dot-separated nibbles for IPv6 (§7.3).</summary>
    private static string DottedAddress(IPAddress address)
    {
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        var sb = new StringBuilder(63);
        foreach (var b in bytes)
        {
            if (sb.Length > 0)
            {
                sb.Append('.');
            }

            sb.Append("0123456789abcdef"[b >> 4]).Append('.').Append("0123456789abcdef"[b & 15]);
        }

        return sb.ToString();
    }

    /// <summary>Splits on the delimiters, reverses if asked, keeps the rightmost parts, joins with dots (§7.3).</summary>
    private static string Transform(string value, int digits, bool reverse, string delimiters)
    {
        if (digits == 0 && !reverse && delimiters == ".")
        {
            return value;
        }

        var parts = value.Split(delimiters.ToCharArray());
        if (reverse)
        {
            Array.Reverse(parts);
        }

        if (digits > 0 && digits < parts.Length)
        {
            parts = parts[^digits..];
        }

        return string.Join('.', parts);
    }
}
