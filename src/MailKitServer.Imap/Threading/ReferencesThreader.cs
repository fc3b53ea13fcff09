using MailKitServer.Imap.Sorting;

namespace MailKitServer.Imap.Threading;

/// <summary>
/// THREAD=REFERENCES (RFC 5256 §3): threads by References/In-Reply-To ancestry, prunes dummies, sorts by sent date
/// and merges top-level threads with the same base subject. Every walk over the tree is iterative, so a deep chain
/// of replies cannot exhaust the stack.
/// </summary>
internal static class ReferencesThreader
{
    /// <summary>Threads the searched messages.</summary>
    /// <param name="messages">The searched messages in mailbox (sequence) order.</param>
    /// <returns>The top-level nodes, sorted; a dummy node has at least two children.</returns>
    public static List<ThreadNode> Thread(IReadOnlyList<SortableMessage> messages)
    {
        var roots = Link(messages);
        roots = Prune(roots);
        SortSiblings(roots);
        roots = GroupBySubject(roots);
        SortSiblings(roots);
        return roots;
    }

    /// <summary>Steps (1) and (2): parent/child links from the references; the nodes without a parent.</summary>
    private static List<ThreadNode> Link(IReadOnlyList<SortableMessage> messages)
    {
        var ids = new Dictionary<string, ThreadNode>(StringComparer.Ordinal);
        var nodes = new List<ThreadNode>(messages.Count);
        foreach (var message in messages)
        {
            // (1)(A): a message without a valid Message-ID, or with one an earlier message already has, gets a unique
            // id: a node no reference can reach. A dummy made earlier for this id becomes this message.
            ThreadNode node;
            var id = message.Data.MessageId;
            if (id is not null && ids.TryGetValue(id, out var known) && known.IsDummy)
            {
                known.Message = message;
                node = known;
            }
            else
            {
                node = new ThreadNode(message);
                nodes.Add(node);
                if (id is not null)
                {
                    ids.TryAdd(id, node);
                }
            }

            // (1)(A): link the references in order, first the parent of the second and so on; a node that has a parent
            // keeps it (References may have been truncated); no link that would make a loop.
            ThreadNode? previous = null;
            foreach (var reference in message.Data.References)
            {
                if (!ids.TryGetValue(reference, out var referenced))
                {
                    referenced = new ThreadNode(null);
                    ids.Add(reference, referenced);
                    nodes.Add(referenced);
                }

                if (previous is not null && referenced.Parent is null && !previous.WouldLoopWith(referenced))
                {
                    previous.Add(referenced);
                }

                previous = referenced;
            }

            // (1)(B): the last reference is the parent; an existing parent link is broken first, and a link that would
            // make a loop is not made (the message then has no parent).
            node.Detach();
            if (previous is not null && !previous.WouldLoopWith(node))
            {
                previous.Add(node);
            }
        }

        // (2) The messages without a parent are the heads of the threads.
        return nodes.FindAll(n => n.Parent is null);
    }

    /// <summary>
    /// Step (3): a dummy without children is deleted; a dummy with children is replaced by them, except at the top
    /// level where that is done only for a single child. Children are handled before their parents.
    /// </summary>
    private static List<ThreadNode> Prune(List<ThreadNode> roots)
    {
        foreach (var node in ReversePreOrder(roots))
        {
            if (node.Children.Count > 0)
            {
                node.Children = Splice(node.Children, node, topLevel: false);
            }
        }

        return Splice(roots, null, topLevel: true);
    }

    private static List<ThreadNode> Splice(List<ThreadNode> siblings, ThreadNode? parent, bool topLevel)
    {
        var result = new List<ThreadNode>(siblings.Count);
        foreach (var node in siblings)
        {
            if (!node.IsDummy || (topLevel && node.Children.Count > 1))
            {
                result.Add(node);
                continue;
            }

            foreach (var child in node.Children)
            {
                child.Parent = parent;
                result.Add(child);
            }
        }

        return result;
    }

    /// <summary>
    /// Step (5): top-level threads with the same (non-empty) base subject are merged, a dummy holding them together
    /// unless one of them is a reply or forward of the other.
    /// </summary>
    private static List<ThreadNode> GroupBySubject(List<ThreadNode> roots)
    {
        // (5)(A)(B): one thread per base subject; a dummy wins over a message, and a message that is not a reply or
        // forward wins over one that is.
        var table = new Dictionary<byte[], ThreadNode>(ByteArrayComparer.Instance);
        foreach (var root in roots)
        {
            if (ThreadSubject(root) is not { } subject)
            {
                continue;
            }

            if (!table.TryGetValue(subject, out var held))
            {
                table.Add(subject, root);
            }
            else if (!held.IsDummy && (root.IsDummy || (held.Message!.Value.Data.IsReplyOrForward && !root.Message!.Value.Data.IsReplyOrForward)))
            {
                table[subject] = root;
            }
        }

        // (5)(C): merge each other thread into the one the table holds.
        var result = new List<ThreadNode>(roots);
        var removed = new HashSet<ThreadNode>();
        foreach (var root in roots)
        {
            if (ThreadSubject(root) is not { } subject)
            {
                continue;
            }

            var held = table[subject];
            if (ReferenceEquals(held, root))
            {
                continue;
            }

            removed.Add(root);
            if (held.IsDummy && root.IsDummy)
            {
                foreach (var child in root.Children)
                {
                    held.Add(child);
                }

                root.Children = [];
            }
            else if (held.IsDummy || (root.Message!.Value.Data.IsReplyOrForward && !held.Message!.Value.Data.IsReplyOrForward))
            {
                held.Add(root);
            }
            else
            {
                var dummy = new ThreadNode(null);
                removed.Add(held);
                dummy.Add(held);
                dummy.Add(root);
                result.Add(dummy);
                table[subject] = dummy;
            }
        }

        result.RemoveAll(removed.Contains);
        return result;
    }

    /// <summary>The base subject of a thread: its message's, or its first child's for a dummy; null when empty.</summary>
    private static byte[]? ThreadSubject(ThreadNode root)
    {
        var message = root.IsDummy ? root.Children[0].Message!.Value : root.Message!.Value;
        return message.Data.Subject.Length > 0 ? message.Data.Subject : null;
    }

    /// <summary>Steps (4) and (6): every set of siblings by sent date, a dummy by its first child's.</summary>
    private static void SortSiblings(List<ThreadNode> roots)
    {
        foreach (var node in ReversePreOrder(roots))
        {
            if (node.Children.Count > 1)
            {
                node.Children.Sort(BySentDate);
            }
        }

        roots.Sort(BySentDate);
    }

    private static int BySentDate(ThreadNode x, ThreadNode y)
    {
        var a = Representative(x);
        var b = Representative(y);
        var order = a.SentDate.CompareTo(b.SentDate);
        return order != 0 ? order : a.Sequence.CompareTo(b.Sequence);
    }

    private static SortableMessage Representative(ThreadNode node)
    {
        while (node.IsDummy)
        {
            node = node.Children[0];
        }

        return node.Message!.Value;
    }

    /// <summary>Every node under the roots, each after all its descendants.</summary>
    private static List<ThreadNode> ReversePreOrder(List<ThreadNode> roots)
    {
        var order = new List<ThreadNode>();
        var stack = new Stack<ThreadNode>(roots);
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            order.Add(node);
            foreach (var child in node.Children)
            {
                stack.Push(child);
            }
        }

        order.Reverse();
        return order;
    }
}
