using MailKitServer.Imap.Session;
using MailKitServer.Imap.Structure;

namespace MailKitServer.Imap.Sorting;

/// <summary>
/// Gives SORT and THREAD the searched messages with their header data: from the server-wide
/// <see cref="SortDataCache"/>, else from a cached MIME structure, else by reading the message's header alone.
/// </summary>
internal static class SortableMessageLoader
{
    /// <summary>Loads the messages at the given positions of the selected mailbox.</summary>
    /// <param name="session">The session, in the selected state.</param>
    /// <param name="indexes">0-based positions in the session's view, in mailbox order.</param>
    /// <returns>The messages, numbered with their sequence numbers.</returns>
    public static async ValueTask<SortableMessage[]> LoadAsync(ImapSession session, IReadOnlyList<int> indexes)
    {
        var selected = session.Selected!;
        var cache = session.SortData;
        var result = new SortableMessage[indexes.Count];
        for (var n = 0; n < indexes.Count; n++)
        {
            var index = indexes[n];
            var entry = selected[index];
            var info = entry.Info;
            if (!cache.TryGet(selected.Key, info.Uid, out var data))
            {
                if (entry.Expunged)
                {
                    // Expunged by another session, not yet reported: its header is gone; it sorts as one without.
                    data = MessageSortData.Empty;
                }
                else
                {
                    data = await ReadAsync(session, info.Uid).ConfigureAwait(false);
                    cache.Add(selected.Key, info.Uid, data);
                }
            }

            result[n] = new SortableMessage(index + 1, info.Uid, info.InternalDate, info.Size, data);
        }

        return result;
    }

    private static async ValueTask<MessageSortData> ReadAsync(ImapSession session, uint uid)
    {
        var selected = session.Selected!;
        if (session.Structures.TryGet(selected.Key, uid, out var root))
        {
            return MessageSortData.FromHeaders(root.Headers);
        }

        await using var stream = await selected.View.OpenContentAsync(uid, 0, null, session.Aborted).ConfigureAwait(false);
        if (stream is null)
        {
            // Expunged meanwhile: sorts as a message without header (UIDs are never reused).
            return MessageSortData.Empty;
        }

        var headers = await MessageHeaderReader.ReadAsync(stream, StructureLimits.Default.MaxHeaderBytes, session.Aborted).ConfigureAwait(false);
        return MessageSortData.FromHeaders(headers);
    }
}
