using System.Collections.Concurrent;
using System.Globalization;

namespace MailKitServer.Smtp.SenderAuth.Dmarc;

/// <summary>
/// The Public Suffix List (publicsuffix.org, the format Debian's <c>publicsuffix</c> package ships) and the
/// organizational domain of a name (RFC 7489 §3.2): the public suffix that matches most labels, plus one label. Without
/// a list only the default rule <c>*</c> applies (the organizational domain is the last two labels).
/// </summary>
internal sealed class PublicSuffixList
{
    private static readonly ConcurrentDictionary<string, PublicSuffixList> Loaded = new(StringComparer.Ordinal);
    private static readonly IdnMapping Idn = new();
    private readonly HashSet<string> _rules = new(StringComparer.Ordinal);
    private readonly HashSet<string> _wildcards = new(StringComparer.Ordinal);
    private readonly HashSet<string> _exceptions = new(StringComparer.Ordinal);

    private PublicSuffixList(bool isLoaded) => IsLoaded = isLoaded;

    /// <summary>The list with the default rule only.</summary>
    public static PublicSuffixList DefaultRuleOnly { get; } = new(false);

    /// <summary>Whether rules were read from a file (false: the default rule only).</summary>
    public bool IsLoaded { get; }

    /// <summary>How many rules were read.</summary>
    public int Count => _rules.Count + _wildcards.Count + _exceptions.Count;

    /// <summary>The list at a path, read once per process; the default rule only when the file cannot be read.</summary>
    public static PublicSuffixList Load(string path) => Loaded.GetOrAdd(path, p =>
    {
        try
        {
            return Parse(File.ReadLines(p));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return DefaultRuleOnly;
        }
    });

    /// <summary>Reads the list's format: one rule per line, <c>//</c> comments, <c>*.</c> wildcards, <c>!</c> exceptions.</summary>
    public static PublicSuffixList Parse(IEnumerable<string> lines)
    {
        var list = new PublicSuffixList(true);
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith("//", StringComparison.Ordinal))
            {
                continue;
            }

            var rule = line.Split(' ', '\t')[0];
            var set = list._rules;
            if (rule.StartsWith('!'))
            {
                set = list._exceptions;
                rule = rule[1..];
            }
            else if (rule.StartsWith("*.", StringComparison.Ordinal))
            {
                set = list._wildcards;
                rule = rule[2..];
            }

            if (ToAscii(rule) is { } ascii)
            {
                set.Add(ascii);
            }
        }

        return list;
    }

    /// <summary>The organizational domain of a name (lower case, A-labels), or the name itself when it is a public suffix.</summary>
    public string OrganizationalDomain(string domain)
    {
        var name = ToAscii(domain.TrimEnd('.')) ?? domain.TrimEnd('.').ToLowerInvariant();
        var labels = name.Split('.');
        var suffixLabels = 1; // the default rule "*"
        for (var i = 0; i < labels.Length; i++)
        {
            var candidate = string.Join('.', labels[i..]);
            var count = labels.Length - i;
            if (_exceptions.Contains(candidate))
            {
                // An exception rule: its public suffix is the rule without its leftmost label, and it prevails.
                suffixLabels = count - 1;
                break;
            }

            if (_rules.Contains(candidate))
            {
                suffixLabels = Math.Max(suffixLabels, count);
            }

            if (i > 0 && _wildcards.Contains(candidate))
            {
                suffixLabels = Math.Max(suffixLabels, count + 1);
            }
        }

        return suffixLabels >= labels.Length ? name : string.Join('.', labels[^(suffixLabels + 1)..]);
    }

    private static string? ToAscii(string name)
    {
        try
        {
            return Idn.GetAscii(name).ToLowerInvariant();
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
