using MailKitServer.Imap.Session;
using MailKitServer.Imap.Structure;

namespace MailKitServer.Imap.Search;

/// <summary>Runs a parsed search over the selected mailbox (SEARCH, and the searching part of SORT and THREAD).</summary>
internal static class SearchExecutor
{
    /// <summary>The messages the key matches.</summary>
    /// <param name="session">The session, in the selected state.</param>
    /// <param name="key">The search key.</param>
    /// <returns>The indexes (0-based positions in the session's view) of the matching messages, in mailbox order.</returns>
    public static async ValueTask<List<int>> FindAsync(ImapSession session, SearchKey key)
    {
        var selected = session.Selected!;
        var found = new List<int>();
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
                found.Add(i);
            }
        }

        return found;
    }
}
