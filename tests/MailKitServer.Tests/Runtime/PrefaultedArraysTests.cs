using MailKitServer.Runtime;

namespace MailKitServer.Tests.Runtime;

/// <summary>Arrays for stored messages: the requested length, on the pinned object heap, written and read back whole.</summary>
public sealed class PrefaultedArraysTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(10_240)]
    [InlineData(65_536)]
    [InlineData(65_537)]
    [InlineData(1_048_576 + 4_095)]
    public void Arrays_have_the_length_asked_for_and_keep_what_is_written(int length)
    {
        var array = PrefaultedArrays.Allocate(length);
        Assert.Equal(length, array.Length);
        Assert.Equal(2, GC.GetGeneration(array)); // the pinned object heap is collected with generation 2
        for (var i = 0; i < length; i++)
        {
            array[i] = (byte)(i * 31);
        }

        for (var i = 0; i < length; i++)
        {
            Assert.Equal((byte)(i * 31), array[i]);
        }
    }

    [Fact]
    public void Arrays_side_by_side_keep_their_bytes_when_the_pages_they_share_are_populated_again()
    {
        // Each array's pages are populated from the page its first byte is in to the page its last byte is in; on
        // the pinned heap the next array often starts in the page the previous one ends in.
        var arrays = new List<byte[]>();
        for (var n = 0; n < 64; n++)
        {
            var array = PrefaultedArrays.Allocate(10_240 + (n * 37));
            for (var i = 0; i < array.Length; i++)
            {
                array[i] = (byte)(n + i);
            }

            arrays.Add(array);
        }

        for (var n = 0; n < arrays.Count; n++)
        {
            for (var i = 0; i < arrays[n].Length; i++)
            {
                Assert.Equal((byte)(n + i), arrays[n][i]);
            }
        }
    }
}
