using System.Buffers;

namespace MailKitServer.TestSupport;

/// <summary>Builds multi-segment sequences so parsers can be fed input split at every boundary.</summary>
public static class Segments
{
    public static ReadOnlySequence<byte> Create(params byte[][] parts)
    {
        var nonEmpty = parts.Where(p => p.Length > 0).ToArray();
        if (nonEmpty.Length == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        var first = new Segment(nonEmpty[0], 0);
        var last = first;
        foreach (var p in nonEmpty.Skip(1))
        {
            last = last.Append(p);
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    /// <summary>Every way of cutting data in two, plus one-byte pieces.</summary>
    public static IEnumerable<byte[][]> Splits(byte[] data)
    {
        for (var i = 0; i <= data.Length; i++)
        {
            yield return [data[..i], data[i..]];
        }

        yield return data.Select(b => new[] { b }).ToArray();
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
