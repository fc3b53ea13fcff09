using MimeKit;

namespace MailKitServer.Web.Api;

/// <summary>Whether a message matches the content terms of a <see cref="MessageQuery"/> (metadata terms are applied before).</summary>
internal static class QueryMatcher
{
    /// <param name="query">The parsed query; only its content terms are tested here.</param>
    /// <param name="user">The account the message is in (a <c>to:</c> term matches it too).</param>
    /// <param name="headers">The message's header block.</param>
    /// <param name="message">The parsed message when the query has free words, else <see langword="null"/>.</param>
    public static bool Matches(MessageQuery query, string user, HeaderList headers, MimeMessage? message)
    {
        var from = string.Join(' ', headers.Where(h => h.Id is HeaderId.From or HeaderId.Sender or HeaderId.ReturnPath).Select(h => h.Value));
        var to = string.Join(' ', headers.Where(h => h.Id is HeaderId.To or HeaderId.Cc || h.Field.Equals("Delivered-To", StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).Append(user));
        var subject = headers[HeaderId.Subject] ?? string.Empty;
        if (!query.From.All(f => Has(from, f)) || !query.To.All(t => Has(to, t)) || !query.Subject.All(s => Has(subject, s)))
        {
            return false;
        }

        if (query.Words.Count == 0)
        {
            return true;
        }

        var text = message?.TextBody ?? string.Empty;
        var html = message?.HtmlBody ?? string.Empty;
        return query.Words.All(w => Has(subject, w) || Has(from, w) || Has(to, w) || Has(text, w) || Has(html, w));
    }

    private static bool Has(string haystack, string needle) => haystack.Contains(needle, StringComparison.OrdinalIgnoreCase);
}
