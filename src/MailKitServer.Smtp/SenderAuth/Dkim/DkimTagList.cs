using System.Diagnostics.CodeAnalysis;

namespace MailKitServer.Smtp.SenderAuth.Dkim;

/// <summary>
/// The tag=value lists of DKIM-Signature fields and DKIM key records (RFC 6376 §3.2): tag names are case-sensitive,
/// a tag may appear once, white space around names and values is ignored, values keep their inner white space.
/// </summary>
internal static class DkimTagList
{
    /// <summary>Parses a tag list.</summary>
    /// <param name="text">The unfolded field value or record.</param>
    /// <param name="tags">The tags by name.</param>
    /// <param name="error">What is wrong with it.</param>
    /// <returns>Whether it is a valid tag list.</returns>
    public static bool TryParse(string text, [NotNullWhen(true)] out Dictionary<string, string>? tags, [NotNullWhen(false)] out string? error)
    {
        tags = new Dictionary<string, string>(StringComparer.Ordinal);
        error = null;
        var specs = text.Split(';');
        for (var i = 0; i < specs.Length; i++)
        {
            var trimmed = specs[i].Trim(' ', '\t', '\r', '\n');
            if (trimmed.Length == 0)
            {
                // tag-list = tag-spec *( ";" tag-spec ) [ ";" ]: only a final empty spec is allowed.
                if (i == specs.Length - 1 && i > 0)
                {
                    continue;
                }

                tags = null;
                error = "empty tag";
                return false;
            }

            var equals = trimmed.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                tags = null;
                error = $"'{Shorten(trimmed)}' is not tag=value";
                return false;
            }

            var name = trimmed[..equals].TrimEnd(' ', '\t', '\r', '\n');
            if (!char.IsAsciiLetter(name[0]) || !name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                tags = null;
                error = $"'{Shorten(name)}' is not a tag name";
                return false;
            }

            var value = trimmed[(equals + 1)..].Trim(' ', '\t', '\r', '\n');
            if (value.Any(c => c is < '!' or > '~' && c is not (' ' or '\t' or '\r' or '\n')))
            {
                tags = null;
                error = $"the value of tag '{name}' holds characters a tag value may not";
                return false;
            }

            if (!tags.TryAdd(name, value))
            {
                tags = null;
                error = $"tag '{name}' appears twice";
                return false;
            }
        }

        return true;
    }

    /// <summary>A value with all white space removed (base64 values may be folded).</summary>
    public static string Compact(string value) => string.Concat(value.Where(c => c is not (' ' or '\t' or '\r' or '\n')));

    private static string Shorten(string text) => text.Length > 40 ? text[..40] + "..." : text;
}
