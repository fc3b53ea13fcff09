using MailKitServer.Imap.Parsing;
using MailKitServer.Imap.Search;
using MailKitServer.Imap.Session;

namespace MailKitServer.Imap.Commands;

/// <summary>
/// SEARCH and UID SEARCH (RFC 9051 §6.4.4), with ESEARCH (RFC 4731), SEARCHRES (RFC 5182), PARTIAL (RFC 5267 §4.4) and MODSEQ (RFC 7162); header and body text are
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

        // RFC 4731 ESEARCH, RFC 5267 CONTEXT=SEARCH: SEARCH RETURN (options) keys.
        SearchReturnOptions? options = null;
        if (tokens.Count >= 2 && tokens[0].Kind == ImapTokenKind.Atom && tokens[0].Text.Equals("RETURN", StringComparison.OrdinalIgnoreCase))
        {
            if (!SearchReturnOptions.TryParse(tokens[1], out var parsed, out var optionError))
            {
                return await session.BadAsync(tag, optionError!).ConfigureAwait(false);
            }

            options = parsed;
            tokens = tokens.Skip(2).ToList();
            if (ExtendedSearchReply.ReusesContextTag(session, tag, options))
            {
                return await session.BadAsync(tag, "The tag names an active update context").ConfigureAwait(false);
            }
        }

        if (tokens.Count >= 2 && tokens[0].Kind == ImapTokenKind.Atom && tokens[0].Text.Equals("CHARSET", StringComparison.OrdinalIgnoreCase))
        {
            if (!SearchCharset.IsSupported(tokens[1].Text))
            {
                return session.No(tag, SearchCharset.BadCharset);
            }

            tokens = tokens.Skip(2).ToList();
        }

        if (!SearchParser.TryParse(tokens, out var key, out var error))
        {
            return await session.BadAsync(tag, error ?? "Invalid search").ConfigureAwait(false);
        }

        if (key.UsesSequenceNumbers && session.UidOnly)
        {
            // RFC 9586 §3: a sequence set in the search program is a sequence number too ($ is a saved result).
            return await session.BadAsync(tag, ImapSession.UidOnlyRequired).ConfigureAwait(false);
        }

        var selected = session.Selected!;
        if (key.UsesSequenceNumbers)
        {
            // RFC 9051 §5.5, RFC 7162 §3.2.10.2: numbers in a UID SEARCH refer to the view before any EXPUNGE.
            session.HoldExpunges();
        }

        if (key.UsesModSeq)
        {
            if (!selected.SupportsModSeq)
            {
                // RFC 7162 §3.1.2.2: SEARCH MODSEQ on a NOMODSEQ mailbox is refused with BAD.
                return await session.BadAsync(tag, "The mailbox keeps no mod-sequences (NOMODSEQ)").ConfigureAwait(false);
            }

            session.EnableCondStore();
        }

        var found = await SearchExecutor.FindAsync(session, key).ConfigureAwait(false);
        return Reply(session, tag, uid, options, key, found);
    }

    /// <summary>
    /// Answers with the messages found: "* SEARCH ..." or, with RETURN options (always under IMAP4rev2), ESEARCH and
    /// an update context when asked (RFC 5267).
    /// </summary>
    private static bool Reply(ImapSession session, string tag, bool uid, SearchReturnOptions? options, SearchKey key, List<int> found)
    {
        var selected = session.Selected!;
        var uids = found.ConvertAll(i => selected[i].Uid);
        var numbers = uid ? uids : found.ConvertAll(i => (uint)(i + 1));

        // RFC 7162 §3.1.5: a search with MODSEQ reports the highest MODSEQ of the messages it returns.
        var modSeqs = key.UsesModSeq ? found.ConvertAll(i => selected[i].Info.ModSeq) : null;
        if (options is null && session.Imap4rev2)
        {
            // RFC 9051 §6.4.4: IMAP4rev2 answers every SEARCH with ESEARCH; no RETURN means ALL.
            options = new SearchReturnOptions(SearchReturnOption.All, null);
        }

        if (options is null)
        {
            session.Connection.Write(numbers.Count == 0 ? "* SEARCH\r\n" : "* SEARCH " + string.Join(' ', numbers) + (modSeqs is null ? string.Empty : $" (MODSEQ {modSeqs.Max()})") + "\r\n");
            return session.Ok(tag, "SEARCH completed");
        }

        var context = options.Has(SearchReturnOption.Update) ? UpdateContext.ForSearch(tag, uid, key, uids) : null;
        return ExtendedSearchReply.Send(session, tag, uid, options, numbers, uids, sorted: false, "SEARCH completed", context, modSeqs);
    }
}
