using MailKitServer.Imap.Sorting;
using MailKitServer.Imap.Threading;

namespace MailKitServer.Imap.Tests.Threading;

/// <summary>RFC 5256 §4 thread-data, with the RFC's own examples.</summary>
public class ThreadResponseWriterTests
{
    private static ThreadNode Node(int sequence, params ThreadNode[] children)
    {
        var node = new ThreadNode(new SortableMessage(sequence, (uint)sequence * 10, DateTimeOffset.UnixEpoch, 0, MessageSortData.Empty));
        foreach (var child in children)
        {
            node.Add(child);
        }

        return node;
    }

    private static ThreadNode Dummy(params ThreadNode[] children)
    {
        var node = new ThreadNode(null);
        foreach (var child in children)
        {
            node.Add(child);
        }

        return node;
    }

    [Fact]
    public void Writes_chains_splits_and_dummies()
    {
        // S: * THREAD (2)(3 6 (4 23)(44 7 96))
        var roots = new List<ThreadNode> { Node(2), Node(3, Node(6, Node(4, Node(23)), Node(44, Node(7, Node(96))))) };
        Assert.Equal("* THREAD (2)(3 6 (4 23)(44 7 96))\r\n", ThreadResponseWriter.Format(roots, uid: false));

        // S: * THREAD ((3)(5))
        Assert.Equal("* THREAD ((3)(5))\r\n", ThreadResponseWriter.Format([Dummy(Node(3), Node(5))], uid: false));
        Assert.Equal("* THREAD ((30)(50 60))\r\n", ThreadResponseWriter.Format([Dummy(Node(3), Node(5, Node(6)))], uid: true));
    }
}
