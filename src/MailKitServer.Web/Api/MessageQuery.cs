using System.Globalization;
using System.Text;

namespace MailKitServer.Web.Api;

/// <summary>
/// A search over messages, parsed from the <c>query</c> parameter: <c>from:</c>, <c>to:</c> (To, Cc and the
/// envelope), <c>subject:</c>, <c>after:YYYY-MM-DD</c>, <c>before:YYYY-MM-DD</c>, <c>is:read</c>/<c>is:unread</c>, and
/// free words that must each appear in the subject, the addresses or the text. Values may be quoted ("a b").
/// </summary>
internal sealed class MessageQuery
{
    /// <summary>The longest query accepted (a longer one is refused, not cut).</summary>
    public const int MaxLength = 1000;

    private const int MaxTerms = 32;

    public List<string> From { get; } = [];

    public List<string> To { get; } = [];

    public List<string> Subject { get; } = [];

    public List<string> Words { get; } = [];

    public DateTimeOffset? After { get; private set; }

    public DateTimeOffset? Before { get; private set; }

    public bool? Seen { get; private set; }

    /// <summary>Whether the query needs more than the store's metadata (headers or text).</summary>
    public bool NeedsContent => From.Count + To.Count + Subject.Count + Words.Count > 0;

    /// <summary>Whether only free words need the text of the body.</summary>
    public bool NeedsBody => Words.Count > 0;

    public bool IsEmpty => !NeedsContent && After is null && Before is null && Seen is null;

    /// <summary>Parses a query; <paramref name="error"/> says what is wrong when it returns <see langword="false"/>.</summary>
    public static bool TryParse(string? text, out MessageQuery query, out string? error)
    {
        query = new MessageQuery();
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        if (text.Length > MaxLength)
        {
            error = $"query is longer than {MaxLength} characters";
            return false;
        }

        var terms = Tokenize(text);
        if (terms.Count > MaxTerms)
        {
            error = $"query has more than {MaxTerms} terms";
            return false;
        }

        foreach (var term in terms)
        {
            var colon = term.Quoted ? -1 : term.Text.IndexOf(':', StringComparison.Ordinal);
            var key = colon > 0 ? term.Text[..colon].ToLowerInvariant() : null;
            var value = colon > 0 ? Unquote(term.Text[(colon + 1)..]) : term.Text;
            switch (key)
            {
                case "from":
                    query.From.Add(value);
                    break;
                case "to":
                    query.To.Add(value);
                    break;
                case "subject":
                    query.Subject.Add(value);
                    break;
                case "after" or "before":
                    if (!DateTimeOffset.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
                    {
                        error = $"{key}: '{value}' is not a date (YYYY-MM-DD)";
                        return false;
                    }

                    if (key == "after")
                    {
                        query.After = date;
                    }
                    else
                    {
                        query.Before = date;
                    }

                    break;
                case "is":
                    query.Seen = value.ToLowerInvariant() switch
                    {
                        "read" or "seen" => true,
                        "unread" or "unseen" => false,
                        _ => null,
                    };
                    if (query.Seen is null)
                    {
                        error = $"is: '{value}' is not read or unread";
                        return false;
                    }

                    break;
                default:
                    query.Words.Add(term.Text);
                    break;
            }
        }

        return true;
    }

    private static string Unquote(string value) => value.Length >= 2 && value[0] == '"' && value[^1] == '"' ? value[1..^1] : value;

    private static List<(string Text, bool Quoted)> Tokenize(string text)
    {
        var terms = new List<(string, bool)>();
        var current = new StringBuilder();
        var inQuotes = false;
        var quotedWhole = false;
        foreach (var c in text)
        {
            if (c == '"')
            {
                if (!inQuotes && current.Length == 0)
                {
                    quotedWhole = true;
                }
                else if (!quotedWhole)
                {
                    current.Append(c);
                }

                inQuotes = !inQuotes;
                continue;
            }

            if (char.IsWhiteSpace(c) && !inQuotes)
            {
                Flush();
                continue;
            }

            current.Append(c);
        }

        Flush();
        return terms;

        void Flush()
        {
            if (current.Length > 0)
            {
                terms.Add((current.ToString(), quotedWhole));
            }

            current.Clear();
            quotedWhole = false;
        }
    }
}
