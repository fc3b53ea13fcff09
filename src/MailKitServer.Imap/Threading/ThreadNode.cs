using MailKitServer.Imap.Sorting;

namespace MailKitServer.Imap.Threading;

/// <summary>A node of a thread tree: a message, or a dummy standing for a message that is absent or not searched.</summary>
internal sealed class ThreadNode
{
    /// <summary>Creates a node.</summary>
    /// <param name="message">The message, or <see langword="null"/> for a dummy.</param>
    public ThreadNode(SortableMessage? message) => Message = message;

    /// <summary>The message, or <see langword="null"/> for a dummy.</summary>
    public SortableMessage? Message { get; set; }

    /// <summary>Whether this is a dummy.</summary>
    public bool IsDummy => Message is null;

    /// <summary>The parent, or <see langword="null"/> at the top.</summary>
    public ThreadNode? Parent { get; set; }

    /// <summary>The children, in order once sorted.</summary>
    public List<ThreadNode> Children { get; set; } = [];

    /// <summary>Makes <paramref name="child"/> a child of this node.</summary>
    /// <param name="child">A node without a parent.</param>
    public void Add(ThreadNode child)
    {
        child.Parent = this;
        Children.Add(child);
    }

    /// <summary>Detaches this node from its parent.</summary>
    public void Detach()
    {
        Parent?.Children.Remove(this);
        Parent = null;
    }

    /// <summary>Whether making this node the parent of <paramref name="child"/> would make a loop.</summary>
    /// <param name="child">The node to link below this one.</param>
    /// <returns><see langword="true"/> when this node is <paramref name="child"/> or lies below it.</returns>
    public bool WouldLoopWith(ThreadNode child)
    {
        // A node without children has nothing below it: the common case (a new reply) needs no walk.
        if (ReferenceEquals(this, child) || child.Children.Count == 0)
        {
            return ReferenceEquals(this, child);
        }

        // Walks up (no recursion): O(depth).
        for (var node = this; node is not null; node = node.Parent)
        {
            if (ReferenceEquals(node, child))
            {
                return true;
            }
        }

        return false;
    }
}
