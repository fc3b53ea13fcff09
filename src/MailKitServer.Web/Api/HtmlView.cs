using System.Text.RegularExpressions;

namespace MailKitServer.Web.Api;

/// <summary>
/// A message's HTML body as the inbox shows it in its iframe: <c>cid:</c> references pointed at the message's parts, and
/// a Content-Security-Policy that runs no script (the CSP <c>sandbox</c> directive, without <c>allow-scripts</c>, even
/// when the page is opened on its own) and loads nothing from other hosts unless the reader allowed it.
/// </summary>
internal static partial class HtmlView
{
    /// <summary>The policy of an HTML body; <paramref name="origin"/> is this server (inline images come from it).</summary>
    public static string Policy(string origin, bool allowRemote) => allowRemote
        ? "default-src 'none'; img-src * data:; style-src * 'unsafe-inline'; font-src * data:; media-src *; sandbox; base-uri 'none'; form-action 'none'; frame-ancestors 'self'"
        : $"default-src 'none'; img-src {origin} data:; style-src 'unsafe-inline'; font-src data:; sandbox; base-uri 'none'; form-action 'none'; frame-ancestors 'self'";

    /// <summary>Points <c>cid:</c> URLs in attributes and CSS at <c>{messageUrl}/cid/{id}</c>.</summary>
    public static string RewriteContentIds(string html, string messageUrl) =>
        CidPattern().Replace(html, m => $"{messageUrl}/cid/{Uri.EscapeDataString(Uri.UnescapeDataString(m.Groups[1].Value))}");

    [GeneratedRegex(@"cid:([^""'\s)>]+)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex CidPattern();
}
