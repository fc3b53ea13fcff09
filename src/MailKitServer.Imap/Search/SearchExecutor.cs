using MailKitServer.Imap.ObjectIds;
using MailKitServer.Imap.Session;
using MailKitServer.Imap.Sorting;
using MailKitServer.Imap.Structure;

namespace MailKitServer.Imap.Search;

/// <summary>Runs a parsed search over the selected mailbox (SEARCH, the searching part of SORT and THREAD, and update contexts).</summary>
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
        for (var i = 0; i < selected.Count; i++)
        {
            if (await MatchesAsync(session, key, i).ConfigureAwait(false))
            {
                found.Add(i);
            }
        }

        return found;
    }

    /// <summary>Whether the key matches one message of the selected mailbox.</summary>
    /// <param name="session">The session, in the selected state.</param>
    /// <param name="key">The search key.</param>
    /// <param name="index">The message's 0-based position in the session's view.</param>
    /// <returns><see langword="true"/> when it matches.</returns>
    public static async ValueTask<bool> MatchesAsync(ImapSession session, SearchKey key, int index)
    {
        var selected = session.Selected!;
        var info = selected[index].Info;

        // Header keys read the header alone (or a cached structure); BODY and TEXT the text parts, and the whole
        // message only when it is small (one read instead of one per part).
        string? threadId = null;
        if (key.NeedsThreadId && info.EmailId is not null)
        {
            threadId = ThreadIds.Of((await SortableMessageLoader.LoadAsync(session, [index]).ConfigureAwait(false))[0].Data, info.EmailId);
        }

        var now = session.Context.TimeProvider.GetUtcNow();
        SearchCandidate Candidate(StructurePart? root, IEnumerable<string> texts, byte[]? headerBlock = null) =>
            new(info, index + 1, selected.Count, selected.LargestUid, root, texts, selected.SavedUids, selected.IsRecent(info.Uid), now, threadId, headerBlock);

        if (!key.NeedsBodyText)
        {
            if (!key.NeedsHeaders)
            {
                return key.Matches(Candidate(null, []));
            }

            // HEADER and SUBJECT keys read a cached header block first: one array of octets per message, of which only
            // the named field becomes text, where a structure's fields are objects and strings spread over the heap
            // (issue 24: a repeated UID SEARCH HEADER over 20,000 messages went mostly to walking those). Otherwise a
            // cached structure as it is; else the header block, of which the keys parse what they need.
            if (key.ReadsNamedFieldsOnly && selected.CachedHeaderBlock(info.Uid) is { } block)
            {
                return key.Matches(Candidate(null, [], block));
            }

            return selected.CachedStructure(info.Uid) is { } cached
                ? key.Matches(Candidate(cached, []))
                : key.Matches(Candidate(null, [], await selected.HeaderBlockAsync(info.Uid, session.Aborted).ConfigureAwait(false)));
        }

        if (info.SizeIfKnown <= SearchTexts.ReadWholeBelow && !selected.HasCachedStructure(info.Uid))
        {
            // One read of the whole message into a pooled array, given back once matched; its text parts are decoded
            // only when a key gets to them. A message whose size the store has not looked up yet (-1: a Maildir file
            // another program wrote) is read up to the bound; a longer one, or one gone, goes the streamed way below,
            // so no message is held whole beyond the bound.
            using var whole = await SearchTexts.LoadWholeAsync(selected, info.Uid, session.Aborted).ConfigureAwait(false);
            if (whole is not null)
            {
                var (parsed, decoded) = SearchTexts.Parse(selected, info.Uid, whole.Octets);
                return key.Matches(Candidate(parsed, decoded));
            }
        }

        // The structure is at hand (cached) or the message is large (parsed from a stream, its attachments skipped):
        // the text parts are read only when the metadata and the header fields leave the answer open.
        var root = await selected.StructureAsync(info.Uid, session.Aborted).ConfigureAwait(false);
        if (root is not null && key.MatchesWithoutBody(Candidate(root, [])) is { } decided)
        {
            return decided;
        }

        var texts = root is null ? null : await SearchTexts.LoadAsync(selected, info.Uid, root, session.Aborted).ConfigureAwait(false);
        return key.Matches(Candidate(root, texts ?? []));
    }
}
