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
}
