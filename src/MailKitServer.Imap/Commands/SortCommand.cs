using MailKitServer.Imap.Parsing;
using MailKitServer.Imap.Search;
using MailKitServer.Imap.Session;
using MailKitServer.Imap.Sorting;

namespace MailKitServer.Imap.Commands;

/// <summary>
/// SORT and UID SORT (RFC 5256 §3 BASE.6.4.SORT, with DISPLAYFROM/DISPLAYTO of RFC 5957), and with RETURN options
/// the extended SORT of ESORT (RFC 5267 §3): results in an ESEARCH response, ranges only where numbers ascend.
/// </summary>
internal sealed class SortCommand() : ImapCommand("SORT", CommandStates.Selected)
{
    public override bool HasUidForm => true;

    /// <summary>RFC 5256 §3: no EXPUNGE responses during SORT (they are allowed during UID SORT).</summary>
    public override bool HoldsExpunges => true;

    public override async ValueTask<bool> ExecuteAsync(ImapSession session, ImapRequest request)
    {
        // sort = ["UID" SP] "SORT" [SP "RETURN" SP "(" [options] ")"] SP sort-criteria SP charset 1*(SP search-key)
        var args = request.Arguments;
        var tag = request.Tag;
        var i = 0;
        SearchReturnOptions? options = null;
        if (args.Count > 1 && args[0].Kind == ImapTokenKind.Atom && args[0].Text.Equals("RETURN", StringComparison.OrdinalIgnoreCase))
        {
            if (!SearchReturnOptions.TryParse(args[1], out var parsed, out var optionError))
            {
                return await session.BadAsync(tag, optionError!).ConfigureAwait(false);
            }

            options = parsed;
            i = 2;
            if (ExtendedSearchReply.ReusesContextTag(session, tag, options))
            {
                return await session.BadAsync(tag, "The tag names an active update context").ConfigureAwait(false);
            }
        }

        if (i >= args.Count)
        {
            return await session.BadAsync(tag, "Syntax: SORT (criteria) charset search-keys").ConfigureAwait(false);
        }

        if (!SortCriteriaParser.TryParse(args[i], out var criteria, out var error))
        {
            return await session.BadAsync(tag, error!).ConfigureAwait(false);
        }

        var (parsedKey, answered) = await SortSearchCriteria.ParseAsync(session, tag, args, i + 1).ConfigureAwait(false);
        if (parsedKey is not { } key)
        {
            return answered;
        }

        var messages = await SortableMessageLoader.LoadAsync(session, await SearchExecutor.FindAsync(session, key).ConfigureAwait(false)).ConfigureAwait(false);
        new SortComparer(criteria).Sort(messages);
        var numbers = Array.ConvertAll(messages, m => m.Number(request.Uid));
        if (options is null)
        {
            // RFC 5256 §4: sort-data = "SORT" *(SP nz-number)
            session.Connection.Write(numbers.Length == 0 ? "* SORT\r\n" : "* SORT " + string.Join(' ', numbers) + "\r\n");
            return session.Ok(tag, "SORT completed");
        }

        var context = options.Has(SearchReturnOption.Update) ? UpdateContext.ForSort(tag, request.Uid, key, criteria, messages) : null;
        return ExtendedSearchReply.Send(session, tag, request.Uid, options, numbers, Array.ConvertAll(messages, m => m.Uid), sorted: true, "SORT completed", context);
    }
}
