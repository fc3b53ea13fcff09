using MailKitServer.Imap.Parsing;
using MailKitServer.Mime;

namespace MailKitServer.Imap.Session;

/// <summary>SEARCH and UID SEARCH (RFC 3501 §6.4.4); header and body text are matched decoded (RFC 2047, transfer encodings, charsets).</summary>
internal sealed partial class ImapSession
{
    private async ValueTask<bool> SearchAsync(string tag, bool uid, IReadOnlyList<ImapToken> args)
    {
        var tokens = args;
        if (tokens.Count >= 2 && tokens[0].Kind == ImapTokenKind.Atom && tokens[0].Text.Equals("CHARSET", StringComparison.OrdinalIgnoreCase))
        {
            var charset = tokens[1].Text.ToUpperInvariant();
            if (charset is not ("UTF-8" or "US-ASCII"))
            {
                return No(tag, "[BADCHARSET (UTF-8 US-ASCII)] Unsupported charset");
            }

            tokens = tokens.Skip(2).ToList();
        }

        if (!SearchParser.TryParse(tokens, out var key, out var error))
        {
            return await BadAsync(tag, error ?? "Invalid search").ConfigureAwait(false);
        }

        var selected = _selected!;
        var found = new List<uint>();
        var largestUid = selected.Count > 0 ? selected.Messages[^1].Uid : 0;
        for (var i = 0; i < selected.Count; i++)
        {
            var info = selected.Messages[i];
            byte[]? content = null;
            MimeEntity? root = null;
            if (key.NeedsContent)
            {
                content = await LoadAsync(info.Uid).ConfigureAwait(false);
                root = Structure(info.Uid, content);
            }

            if (key.Matches(new SearchCandidate(info, i + 1, selected.Count, largestUid, content, root)))
            {
                found.Add(uid ? info.Uid : (uint)(i + 1));
            }
        }

        _connection.Write(found.Count == 0 ? "* SEARCH\r\n" : "* SEARCH " + string.Join(' ', found) + "\r\n");
        return Ok(tag, "SEARCH completed");
    }
}
