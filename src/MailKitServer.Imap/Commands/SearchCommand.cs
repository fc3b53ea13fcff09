using System.Text;
using MailKitServer.Imap.Parsing;
using MailKitServer.Imap.Responses;
using MailKitServer.Imap.Search;
using MailKitServer.Imap.Session;
using MailKitServer.Imap.Structure;
using MailKitServer.Storage;

namespace MailKitServer.Imap.Commands;

/// <summary>
/// SEARCH and UID SEARCH (RFC 9051 §6.4.4), with ESEARCH (RFC 4731) and SEARCHRES (RFC 5182); header and body text are
/// matched decoded (RFC 2047, transfer encodings, charsets).
/// </summary>
internal sealed class SearchCommand() : ImapCommand("SEARCH", CommandStates.Selected)
{
    public override bool HasUidForm => true;

    public override bool HoldsExpunges => true;

    public override async ValueTask<bool> ExecuteAsync(ImapSession session, ImapRequest request)
    {
        var tokens = request.Arguments;
        var tag = request.Tag;
        var uid = request.Uid;

        // RFC 4731 ESEARCH: SEARCH RETURN (MIN MAX COUNT ALL) keys.
        List<string>? returnOptions = null;
        if (tokens.Count >= 2 && tokens[0].Kind == ImapTokenKind.Atom && tokens[0].Text.Equals("RETURN", StringComparison.OrdinalIgnoreCase) && tokens[1].Kind == ImapTokenKind.List)
        {
            returnOptions = tokens[1].Items.Select(i => i.Text.ToUpperInvariant()).ToList();
            if (returnOptions.Exists(o => o is not ("MIN" or "MAX" or "COUNT" or "ALL" or "SAVE")))
            {
                return await session.BadAsync(tag, "Unsupported RETURN option").ConfigureAwait(false);
            }

            if (returnOptions.Count == 0)
            {
                returnOptions.Add("ALL");
            }

            tokens = tokens.Skip(2).ToList();
        }

        if (tokens.Count >= 2 && tokens[0].Kind == ImapTokenKind.Atom && tokens[0].Text.Equals("CHARSET", StringComparison.OrdinalIgnoreCase))
        {
            var charset = tokens[1].Text.ToUpperInvariant();
            if (charset is not ("UTF-8" or "US-ASCII"))
            {
                return session.No(tag, "[BADCHARSET (UTF-8 US-ASCII)] Unsupported charset");
            }

            tokens = tokens.Skip(2).ToList();
        }

        if (!SearchParser.TryParse(tokens, out var key, out var error))
        {
            return await session.BadAsync(tag, error ?? "Invalid search").ConfigureAwait(false);
        }

        var selected = session.Selected!;
        var found = new List<uint>();
        var largestUid = selected.LargestUid;
        for (var i = 0; i < selected.Count; i++)
        {
            var info = selected[i].Info;
            byte[]? content = null;
            StructurePart? root = null;
            if (key.NeedsContent)
            {
                content = await selected.LoadAsync(info.Uid, 0, null, session.Aborted).ConfigureAwait(false);
                if (content is null)
                {
                    // Expunged by another session and not reported yet: its content is gone, so it cannot match.
                    continue;
                }

                root = await selected.StructureAsync(info.Uid, session.Aborted, content).ConfigureAwait(false);
            }

            if (key.Matches(new SearchCandidate(info, i + 1, selected.Count, largestUid, content, root, selected.SavedUids, selected.IsRecent(info.Uid))))
            {
                found.Add(uid ? info.Uid : (uint)(i + 1));
            }
        }

        if (returnOptions is not null && returnOptions.Contains("SAVE"))
        {
            // RFC 5182: keep the result for "$"; SAVE alone sends no ESEARCH response.
            selected.SavedUids = UidSet.FromUids(uid ? found : found.Select(n => selected[(int)n - 1].Uid));
            returnOptions.Remove("SAVE");
            if (returnOptions.Count == 0)
            {
                return session.Ok(tag, "SEARCH completed");
            }
        }

        if (returnOptions is null && session.Imap4rev2)
        {
            // RFC 9051 §6.4.4: IMAP4rev2 answers every SEARCH with ESEARCH; no RETURN means ALL.
            returnOptions = ["ALL"];
        }

        if (returnOptions is null)
        {
            session.Connection.Write(found.Count == 0 ? "* SEARCH\r\n" : "* SEARCH " + string.Join(' ', found) + "\r\n");
            return session.Ok(tag, "SEARCH completed");
        }

        var sb = new StringBuilder("* ESEARCH (TAG ").Append(ImapFormat.String(tag)).Append(')');
        if (uid)
        {
            sb.Append(" UID");
        }

        if (found.Count > 0 && returnOptions.Contains("MIN"))
        {
            sb.Append(" MIN ").Append(found.Min());
        }

        if (found.Count > 0 && returnOptions.Contains("MAX"))
        {
            sb.Append(" MAX ").Append(found.Max());
        }

        if (returnOptions.Contains("COUNT"))
        {
            sb.Append(" COUNT ").Append(found.Count);
        }

        if (found.Count > 0 && returnOptions.Contains("ALL"))
        {
            sb.Append(" ALL ").Append(UidSet.FromUids(found));
        }

        session.Connection.Write(sb.Append("\r\n").ToString());
        return session.Ok(tag, "SEARCH completed");
    }
}
