using MailKitServer.Storage.InMemory;

namespace MailKitServer.Tests.Storage;

/// <summary>The in-memory store's message memory: exact slices that never overlap, from slabs or arrays of their own.</summary>
public sealed class MessageSlabsTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(10_500)]
    [InlineData(MessageSlabs.OwnArrayAbove)]
    [InlineData(MessageSlabs.OwnArrayAbove + 1)]
    [InlineData(1_048_576)]
    public void A_slice_has_the_length_asked_for_and_keeps_what_is_written(int length)
    {
        var slice = MessageSlabs.Allocate(length);
        Assert.Equal(length, slice.Count);
        Assert.Equal(2, GC.GetGeneration(slice.Array!)); // pinned object heap: never moved by the GC
        if (length > MessageSlabs.OwnArrayAbove)
        {
            Assert.Equal(length, slice.Array!.Length); // large messages: an array of their own
        }

        Fill(slice, 7);
        Assert.True(Holds(slice, 7));
    }

    [Fact]
    public async Task Slices_taken_at_once_from_many_threads_never_overlap_across_slabs()
    {
        // 8 threads x 400 slices of up to 64 KB: about 100 MB, so several slabs of every size fill up on the way.
        var slices = await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(() =>
        {
            var mine = new List<(ArraySegment<byte> Slice, byte Mark)>();
            for (var i = 0; i < 400; i++)
            {
                var slice = MessageSlabs.Allocate(((i * 7919) + (t * 104_729)) % 65_536);
                var mark = (byte)((t * 400) + i);
                Fill(slice, mark);
                mine.Add((slice, mark));
            }

            return mine;
        })));
        Assert.All(slices.SelectMany(s => s), s => Assert.True(Holds(s.Slice, s.Mark)));
    }

    private static void Fill(ArraySegment<byte> slice, byte mark) => slice.AsSpan().Fill(mark);

    private static bool Holds(ArraySegment<byte> slice, byte mark) => !slice.AsSpan().ContainsAnyExcept(mark);
}
