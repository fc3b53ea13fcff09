using System.Globalization;
using System.Text;

namespace MailKitServer.Imap.Threading;

/// <summary>
/// Writes thread trees as RFC 5256 §4 thread-data: <c>THREAD (2)(3 6 (4 23)(44 7 96))</c>. A parent with one child
/// continues its list; two or more children each open a nested list. Written with an explicit stack, so any depth
/// is safe.
/// </summary>
internal static class ThreadResponseWriter
{
    /// <summary>Formats the untagged response line.</summary>
    /// <param name="roots">The thread roots in order.</param>
    /// <param name="uid">Whether to write UIDs (UID THREAD) rather than sequence numbers.</param>
    /// <returns>The line, with CRLF.</returns>
    public static string Format(IReadOnlyList<ThreadNode> roots, bool uid)
    {
        var sb = new StringBuilder("* THREAD");
        if (roots.Count > 0)
        {
            sb.Append(' ');
            Append(sb, roots, uid);
        }

        return sb.Append("\r\n").ToString();
    }

    /// <summary>Appends 1*thread-list for the roots.</summary>
    /// <param name="sb">The output.</param>
    /// <param name="roots">The thread roots.</param>
    /// <param name="uid">Whether to write UIDs.</param>
    public static void Append(StringBuilder sb, IReadOnlyList<ThreadNode> roots, bool uid)
    {
        // Work items: a node whose members to write, or a parenthesis.
        var stack = new Stack<(ThreadNode? Node, char Text)>();
        PushLists(stack, roots);
        while (stack.Count > 0)
        {
            var (node, text) = stack.Pop();
            if (node is null)
            {
                sb.Append(text);
                continue;
            }

            if (node.IsDummy)
            {
                // A dummy has no number: its children are the nested lists (one child stands in for it).
                if (node.Children.Count == 1)
                {
                    stack.Push((node.Children[0], '\0'));
                }
                else
                {
                    PushLists(stack, node.Children);
                }

                continue;
            }

            // thread-members: a chain of single children, then the nested lists of a split.
            sb.Append(node.Message!.Value.Number(uid).ToString(CultureInfo.InvariantCulture));
            while (node.Children.Count == 1 && !node.Children[0].IsDummy)
            {
                node = node.Children[0];
                sb.Append(' ').Append(node.Message!.Value.Number(uid).ToString(CultureInfo.InvariantCulture));
            }

            if (node.Children.Count > 0)
            {
                sb.Append(' ');
                PushLists(stack, node.Children);
            }
        }
    }

    private static void PushLists(Stack<(ThreadNode? Node, char Text)> stack, IReadOnlyList<ThreadNode> nodes)
    {
        for (var i = nodes.Count - 1; i >= 0; i--)
        {
            stack.Push((null, ')'));
            stack.Push((nodes[i], '\0'));
            stack.Push((null, '('));
        }
    }
}
