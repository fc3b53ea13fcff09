using MailKitServer.Imap.Session;

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

            // Header keys read the cached structure; BODY and TEXT only the text parts, never the whole message.
            var root = key.NeedsHeaders || key.NeedsBodyText ? await selected.StructureAsync(info.Uid, session.Aborted).ConfigureAwait(false) : null;
            IReadOnlyList<string> texts = [];
            if (key.NeedsBodyText && root is not null)
            {
                texts = await SearchTexts.LoadAsync(selected, info.Uid, root, session.Aborted).ConfigureAwait(false) ?? [];
            }

            if (key.Matches(new SearchCandidate(info, i + 1, selected.Count, largestUid, root, texts, selected.SavedUids, selected.IsRecent(info.Uid))))
            {
                found.Add(i);
            }
        }

        return found;
    }
}
