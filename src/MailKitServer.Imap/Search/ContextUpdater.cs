using MailKitServer.Imap.Session;
using MailKitServer.Imap.Sorting;

namespace MailKitServer.Imap.Search;

/// <summary>
/// Keeps the update contexts current (RFC 5267 §4.3) around the session's mailbox updates: what the client already
/// numbers is re-evaluated before EXPUNGE and EXISTS go out, so a REMOVEFROM for an expunged message comes before
/// its EXPUNGE (§4.3.4, while its number is still valid); new messages are evaluated after their EXISTS, so an ADDTO
/// names only numbers the client knows (§4.3.3).
/// </summary>
internal static class ContextUpdater
{
    /// <summary>Reports how flag changes and expunges changed the results (before the mailbox updates are flushed).</summary>
    /// <param name="session">The session, in the selected state with its store changes read.</param>
    /// <returns>A task.</returns>
    public static async ValueTask ReportChangesAsync(ImapSession session)
    {
        var selected = session.Selected!;
        var touched = selected.TakeTouched();
        if (touched.Count == 0)
        {
            return;
        }

        foreach (var context in selected.Contexts.All)
        {
            var removed = new List<(int Position, uint Number)>();
            var added = new List<(int Position, uint Number)>();
            foreach (var uid in touched)
            {
                var index = selected.IndexOfUid(uid);
                if (index < 0)
                {
                    continue;
                }

                var member = context.Results.Contains(uid);
                var matches = !selected[index].Expunged && await SearchExecutor.MatchesAsync(session, context.Key, index).ConfigureAwait(false);
                if (member && !matches)
                {
                    removed.Add((context.Remove(uid), Number(context, uid, index)));
                }
                else if (!member && matches)
                {
                    added.Add((await AddAsync(session, context, index).ConfigureAwait(false), Number(context, uid, index)));
                }
            }

            Write(session, context, removed, added);
        }
    }

    /// <summary>Reports the new messages that joined the results (after their EXISTS was sent).</summary>
    /// <param name="session">The session, in the selected state.</param>
    /// <param name="knownUpTo">The largest UID the client knew before the updates.</param>
    /// <returns>A task.</returns>
    public static async ValueTask ReportNewAsync(ImapSession session, uint knownUpTo)
    {
        var selected = session.Selected!;
        var first = selected.Count;
        while (first > 0 && selected[first - 1].Uid > knownUpTo)
        {
            first--;
        }

        if (first == selected.Count)
        {
            return;
        }

        foreach (var context in selected.Contexts.All)
        {
            var added = new List<(int Position, uint Number)>();
            for (var index = first; index < selected.Count; index++)
            {
                var uid = selected[index].Uid;
                if (!context.Results.Contains(uid) && !selected[index].Expunged && await SearchExecutor.MatchesAsync(session, context.Key, index).ConfigureAwait(false))
                {
                    added.Add((await AddAsync(session, context, index).ConfigureAwait(false), Number(context, uid, index)));
                }
            }

            Write(session, context, [], added);
        }
    }

    private static async ValueTask<int> AddAsync(ImapSession session, UpdateContext context, int index)
    {
        SortableMessage? data = context.IsSorted ? (await SortableMessageLoader.LoadAsync(session, [index]).ConfigureAwait(false))[0] : null;
        return context.Add(session.Selected![index].Uid, data);
    }

    private static uint Number(UpdateContext context, uint uid, int index) => context.Results.Uid ? uid : (uint)(index + 1);

    private static void Write(ImapSession session, UpdateContext context, List<(int Position, uint Number)> removed, List<(int Position, uint Number)> added)
    {
        if (ContextUpdateWriter.Format(context.Results, added: false, removed) is { } removals)
        {
            session.Connection.Write(removals);
        }

        if (ContextUpdateWriter.Format(context.Results, added: true, added) is { } additions)
        {
            session.Connection.Write(additions);
        }
    }
}
