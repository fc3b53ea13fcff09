using MailKitServer.Imap.Session;
using MailKitServer.Storage;

namespace MailKitServer.Imap.Search;

/// <summary>
/// Completes a SEARCH or SORT that had RETURN options: SAVE (RFC 5182 §2.4), the ESEARCH response, and UPDATE
/// (RFC 5267 §4.3), then the tagged OK.
/// </summary>
internal static class ExtendedSearchReply
{
    /// <summary>Answers the command.</summary>
    /// <param name="session">The session, in the selected state.</param>
    /// <param name="tag">The command's tag.</param>
    /// <param name="uid">Whether numbers are UIDs.</param>
    /// <param name="options">The return options.</param>
    /// <param name="numbers">The results as the response names them, in the requested order.</param>
    /// <param name="uids">The same results as UIDs, in the same order.</param>
    /// <param name="sorted">Whether the order is a sort order.</param>
    /// <param name="completion">The text of the tagged OK.</param>
    /// <param name="context">The context to keep current when UPDATE was asked for.</param>
    /// <param name="modSeqs">The results' MODSEQs in the same order, when the search had a MODSEQ key (RFC 7162 §3.1.10).</param>
    /// <returns>Whether the session goes on.</returns>
    public static bool Send(ImapSession session, string tag, bool uid, SearchReturnOptions options, IReadOnlyList<uint> numbers, IReadOnlyList<uint> uids, bool sorted, string completion, UpdateContext? context, IReadOnlyList<ulong>? modSeqs = null)
    {
        var selected = session.Selected!;
        if (options.Has(SearchReturnOption.Save))
        {
            selected.SavedUids = UidSet.FromUids(SavedUids(options, uids, sorted));
        }

        if (options.SendsResponse)
        {
            session.Connection.Write(EsearchResponse.Format(tag, uid, options, numbers, sorted, modSeqs));
        }

        if (options.Has(SearchReturnOption.Update))
        {
            if (context is null || selected.Contexts.IsFull)
            {
                // RFC 5267 §4.3.1: the server may refuse to keep a context; the other options are still honoured.
                session.Connection.Write($"* NO [NOUPDATE {Responses.ImapFormat.String(tag)}] Too many update contexts\r\n");
            }
            else
            {
                selected.Contexts.Add(context);
            }
        }

        return session.Ok(tag, completion);
    }

    /// <summary>
    /// Whether the command asks for UPDATE with the tag of a context still active, which RFC 5267 §4.3 answers with BAD.
    /// </summary>
    /// <param name="session">The session, in the selected state.</param>
    /// <param name="tag">The command's tag.</param>
    /// <param name="options">The return options, if any.</param>
    /// <returns><see langword="true"/> when the tag is in use.</returns>
    public static bool ReusesContextTag(ImapSession session, string tag, SearchReturnOptions? options) =>
        options is not null && options.Has(SearchReturnOption.Update) && session.Selected!.Contexts.Contains(tag);

    /// <summary>
    /// What SAVE keeps (RFC 5182 §2.4, RFC 9394 §3.2 table 1): every result when ALL or COUNT is asked or nothing narrows
    /// the answer; otherwise only what MIN, MAX and PARTIAL return.
    /// </summary>
    private static IEnumerable<uint> SavedUids(SearchReturnOptions options, IReadOnlyList<uint> uids, bool sorted)
    {
        if (uids.Count == 0 || options.Has(SearchReturnOption.All | SearchReturnOption.Count) || !options.Has(SearchReturnOption.Min | SearchReturnOption.Max | SearchReturnOption.Partial))
        {
            return uids;
        }

        var kept = new List<uint>();
        if (options.Partial is { } range)
        {
            var (start, length) = range.Select(uids.Count);
            kept.AddRange(uids.Skip(start).Take(length));
        }

        if (options.Has(SearchReturnOption.Min))
        {
            kept.Add(sorted ? uids[0] : uids.Min());
        }

        if (options.Has(SearchReturnOption.Max))
        {
            kept.Add(sorted ? uids[^1] : uids.Max());
        }

        return kept;
    }
}
