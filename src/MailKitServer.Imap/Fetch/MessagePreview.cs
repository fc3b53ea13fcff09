using System.Net;
using System.Text;
using MailKitServer.Imap.Session;
using MailKitServer.Imap.Structure;

namespace MailKitServer.Imap.Fetch;

/// <summary>
/// PREVIEW (RFC 8970): up to 200 characters of plain text from the message's first text part that is not an
/// attachment (text/plain as it is; text/html without its markup, scripts and styles), decoded from its transfer
/// encoding and charset, white space collapsed. At most <see cref="MaxSourceBytes"/> of the part are read. The result
/// is kept on the cached structure (so it lives as long as the structure cache keeps the message); LAZY answers only
/// from there.
/// </summary>
internal static class MessagePreview
{
    /// <summary>RFC 8970 §3.3: SHOULD be at most 200 preview characters (MUST NOT exceed 256).</summary>
    public const int MaxCharacters = 200;

    /// <summary>How much of the text part is read at most.</summary>
    public const int MaxSourceBytes = 64 * 1024;

    /// <summary>The preview of a message: computed (and cached) unless <paramref name="lazy"/>.</summary>
    /// <param name="session">The session: its listener's structure cache holds the previews already worked out.</param>
    /// <param name="selected">The selected mailbox.</param>
    /// <param name="uid">The message.</param>
    /// <param name="lazy">LAZY (RFC 8970 §4.1): only a preview already worked out, else null (NIL).</param>
    /// <returns>The preview ("" when the message has no text to show), or null for LAZY without one, or when the message is gone.</returns>
    public static async ValueTask<string?> GetAsync(ImapSession session, SelectedMailbox selected, uint uid, bool lazy)
    {
        if (lazy)
        {
            return session.Structures.TryGet(selected.Key, uid, out var cached) ? cached.Preview : null;
        }

        if (await selected.StructureAsync(uid, session.Aborted).ConfigureAwait(false) is not { } root)
        {
            return null;
        }

        if (root.Preview is { } known)
        {
            return known;
        }

        var preview = string.Empty;
        if (FirstText(root) is { } part)
        {
            var body = await selected.LoadAsync(uid, part.BodyOffset, Math.Min(part.BodySize, MaxSourceBytes), session.Aborted).ConfigureAwait(false);
            if (body is null)
            {
                return null;
            }

            var text = TransferDecoding.ToText(TransferDecoding.Decode(body, part.TransferEncoding), part.ContentType["charset"]);
            preview = FromText(text, part.ContentType.SubType == "html");
        }

        root.Preview = preview;
        return preview;
    }

    /// <summary>Plain text made into a preview: markup gone (HTML), white space collapsed, cut at a character boundary.</summary>
    /// <param name="text">The decoded text.</param>
    /// <param name="html">Whether it is HTML.</param>
    /// <returns>At most <see cref="MaxCharacters"/> characters (code points).</returns>
    internal static string FromText(string text, bool html)
    {
        if (html)
        {
            text = WebUtility.HtmlDecode(StripMarkup(text));
        }

        var sb = new StringBuilder();
        var characters = 0;
        var space = false;
        foreach (var rune in text.EnumerateRunes())
        {
            if (Rune.IsWhiteSpace(rune) || Rune.IsControl(rune))
            {
                space = sb.Length > 0;
                continue;
            }

            if (space)
            {
                if (++characters > MaxCharacters)
                {
                    break;
                }

                sb.Append(' ');
                space = false;
            }

            if (++characters > MaxCharacters)
            {
                break;
            }

            sb.Append(rune.ToString());
        }

        return sb.ToString();
    }

    /// <summary>The first text/plain or text/html part that is not an attachment, depth first (not inside attached messages).</summary>
    private static StructurePart? FirstText(StructurePart part)
    {
        if (part.ContentType.IsMultipart)
        {
            foreach (var child in part.Children)
            {
                if (FirstText(child) is { } found)
                {
                    return found;
                }
            }

            return null;
        }

        return part.ContentType.MediaType == "text" && part.ContentType.SubType is "plain" or "html" && part.Disposition?.Disposition != "attachment" && part.BodySize > 0
            ? part
            : null;
    }

    /// <summary>
    /// The text of HTML: each tag becomes a space, and script, style and head elements go with their content. One pass
    /// (every search moves forward), so hostile markup costs time linear in its length.
    /// </summary>
    private static string StripMarkup(string html)
    {
        var sb = new StringBuilder(html.Length);
        var i = 0;
        while (i < html.Length)
        {
            var open = html.IndexOf('<', i);
            if (open < 0)
            {
                sb.Append(html, i, html.Length - i);
                break;
            }

            sb.Append(html, i, open - i).Append(' ');
            var close = html.IndexOf('>', open + 1);
            if (close < 0)
            {
                break;
            }

            i = close + 1;
            foreach (var hidden in HiddenElements)
            {
                if (string.Compare(html, open + 1, hidden, 0, hidden.Length, StringComparison.OrdinalIgnoreCase) == 0
                    && open + 1 + hidden.Length < html.Length && !char.IsAsciiLetterOrDigit(html[open + 1 + hidden.Length]))
                {
                    var end = html.IndexOf("</" + hidden, i, StringComparison.OrdinalIgnoreCase);
                    var endClose = end < 0 ? -1 : html.IndexOf('>', end);
                    i = endClose < 0 ? html.Length : endClose + 1;
                    break;
                }
            }
        }

        return sb.ToString();
    }

    private static readonly string[] HiddenElements = ["script", "style", "head"];
}
