using MailKitServer.Imap.Sorting;

namespace MailKitServer.Imap.Threading;

/// <summary>
/// THREAD=ORDEREDSUBJECT (RFC 5256 §3): messages sorted by base subject, then sent date; one thread per base
/// subject whose first message is the root and every other message a child of it; threads by their first
/// message's sent date. Sequence numbers break ties throughout.
/// </summary>
internal static class OrderedSubjectThreader
{
    /// <summary>Threads the searched messages.</summary>
    /// <param name="messages">The searched messages.</param>
    /// <returns>The thread roots in order; no node has grandchildren.</returns>
    public static List<ThreadNode> Thread(IReadOnlyList<SortableMessage> messages)
    {
        var sorted = messages.ToArray();
        Array.Sort(sorted, static (x, y) =>
        {
            var order = UnicodeCasemap.Compare(x.Data.Subject, y.Data.Subject);
            if (order == 0)
            {
                order = x.SentDate.CompareTo(y.SentDate);
            }

            return order != 0 ? order : x.Sequence.CompareTo(y.Sequence);
        });

        var roots = new List<ThreadNode>();
        ThreadNode? root = null;
        foreach (var message in sorted)
        {
            if (root is not null && root.Message!.Value.Data.Subject.AsSpan().SequenceEqual(message.Data.Subject))
            {
                root.Add(new ThreadNode(message));
                continue;
            }

            root = new ThreadNode(message);
            roots.Add(root);
        }

        roots.Sort(static (x, y) =>
        {
            var a = x.Message!.Value;
            var b = y.Message!.Value;
            var order = a.SentDate.CompareTo(b.SentDate);
            return order != 0 ? order : a.Sequence.CompareTo(b.Sequence);
        });
        return roots;
    }
}
