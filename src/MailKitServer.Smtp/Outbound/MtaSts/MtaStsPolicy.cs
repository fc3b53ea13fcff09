using System.Globalization;

namespace MailKitServer.Smtp.Outbound.MtaSts;

/// <summary>A domain's MTA-STS policy (RFC 8461 §3.2), as fetched from its policy host.</summary>
/// <param name="Mode">The mode.</param>
/// <param name="MxPatterns">The MX host patterns (a name, or <c>*.</c> and a name for one more leftmost label).</param>
/// <param name="MaxAge">How long the policy may be cached.</param>
internal sealed record MtaStsPolicy(MtaStsMode Mode, IReadOnlyList<string> MxPatterns, TimeSpan MaxAge)
{
    /// <summary>The policy as key: value lines (a TLSRPT report's "policy-string", RFC 8460 §4.4).</summary>
    public IReadOnlyList<string> Lines() =>
    [
        "version: STSv1",
        "mode: " + Mode.ToString().ToLowerInvariant(),
        .. MxPatterns.Select(p => "mx: " + p),
        "max_age: " + ((long)MaxAge.TotalSeconds).ToString(CultureInfo.InvariantCulture),
    ];

    /// <summary>RFC 8461 §3.2: max_age is at most 31557600 seconds (about a year).</summary>
    public const long MaxAgeLimit = 31_557_600;

    /// <summary>The most mx lines kept; a longer list is not a policy (a bound on what a policy host can make us store).</summary>
    public const int MaxPatterns = 100;

    /// <summary>
    /// Parses a policy body (RFC 8461 §3.2): <c>key: value</c> lines ending in CRLF or LF, <c>version: STSv1</c>
    /// first, one mode, one max_age, mx lines (at least one unless the mode is none); unknown keys are ignored.
    /// </summary>
    /// <param name="text">The body.</param>
    /// <param name="policy">The parsed policy; not to be used when the body is not one.</param>
    /// <param name="error">Why the body is not a policy.</param>
    /// <returns>Whether it is one.</returns>
    public static bool TryParse(string text, out MtaStsPolicy policy, out string error)
    {
        policy = null!;
        string? version = null;
        MtaStsMode? mode = null;
        long? maxAge = null;
        var mx = new List<string>();
        var first = true;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0)
            {
                continue;
            }

            if (!TrySplit(line, out var key, out var value))
            {
                error = $"not a key: value line: '{Shorten(line)}'";
                return false;
            }

            if (first && key != "version")
            {
                error = "the policy does not start with version";
                return false;
            }

            first = false;
            switch (key)
            {
                case "version":
                    version ??= value;
                    break;
                case "mode":
                    mode ??= ParseMode(value);
                    if (mode is null)
                    {
                        error = $"unknown mode '{Shorten(value)}'";
                        return false;
                    }

                    break;
                case "max_age":
                    if (maxAge is null && (maxAge = ParseMaxAge(value)) is null)
                    {
                        error = $"max_age '{Shorten(value)}' is not 0 to {MaxAgeLimit} seconds";
                        return false;
                    }

                    break;
                case "mx":
                    if (mx.Count == MaxPatterns)
                    {
                        error = $"more than {MaxPatterns} mx lines";
                        return false;
                    }

                    mx.Add(value.TrimEnd('.').ToLowerInvariant());
                    break;
            }
        }

        if (version != "STSv1" || mode is null || maxAge is null || (mode != MtaStsMode.None && mx.Count == 0))
        {
            error = version != "STSv1" ? "version is not STSv1" : mode is null ? "no mode" : maxAge is null ? "no max_age" : "no mx line";
            return false;
        }

        error = string.Empty;
        policy = new MtaStsPolicy(mode.Value, mx, TimeSpan.FromSeconds(maxAge.Value));
        return true;
    }

    /// <summary>Splits "key: value" at the first colon; the key is trimmed, the value loses surrounding spaces and tabs.</summary>
    private static bool TrySplit(string line, out string key, out string value)
    {
        var colon = line.IndexOf(':', StringComparison.Ordinal);
        key = colon > 0 ? line[..colon].Trim() : string.Empty;
        value = colon > 0 ? line[(colon + 1)..].Trim(' ', '\t') : string.Empty;
        return colon > 0;
    }

    private static MtaStsMode? ParseMode(string value) => value switch
    {
        "enforce" => MtaStsMode.Enforce,
        "testing" => MtaStsMode.Testing,
        "none" => MtaStsMode.None,
        _ => null,
    };

    /// <summary>max_age in seconds: 1 to 10 digits, at most <see cref="MaxAgeLimit"/>; null otherwise.</summary>
    private static long? ParseMaxAge(string value) =>
        value.Length is 0 or > 10 || !value.All(char.IsAsciiDigit) || long.Parse(value, CultureInfo.InvariantCulture) > MaxAgeLimit
            ? null
            : long.Parse(value, CultureInfo.InvariantCulture);

    /// <summary>
    /// Whether an MX host matches one of the patterns (RFC 8461 §4.1): the same name, or for <c>*.example.com</c> a name
    /// with exactly one more label on the left.
    /// </summary>
    /// <param name="host">The MX host name.</param>
    /// <returns>Whether it matches.</returns>
    public bool Matches(string host)
    {
        host = host.TrimEnd('.').ToLowerInvariant();
        foreach (var pattern in MxPatterns)
        {
            if (pattern.StartsWith("*.", StringComparison.Ordinal))
            {
                var dot = host.IndexOf('.', StringComparison.Ordinal);
                if (dot > 0 && host[(dot + 1)..] == pattern[2..])
                {
                    return true;
                }
            }
            else if (host == pattern)
            {
                return true;
            }
        }

        return false;
    }

    private static string Shorten(string value) => value.Length > 40 ? value[..40] + "..." : value;
}
