using MailKitServer.Runtime;
using MailKitServer.Smtp.Data;

namespace MailKitServer.Smtp.Tests.Data;

public class MessageSpoolTests
{
    [Theory]
    [InlineData(1 << 20)] // stays in memory
    [InlineData(1000)] // spills to a file
    public void What_is_written_reads_back_from_any_offset(long memoryThreshold)
    {
        using var spool = new MessageSpool(limit: 1 << 22, memoryThreshold);
        var data = Enumerable.Range(0, 200_000).Select(i => (byte)(i * 7)).ToArray();
        for (var i = 0; i < data.Length; i += 777)
        {
            spool.Write(data.AsSpan(i, Math.Min(777, data.Length - i)));
        }

        Assert.Equal(data.Length, spool.Length);
        using var all = new MemoryStream();
        using (var s = spool.OpenRead())
        {
            s.CopyTo(all);
        }

        Assert.Equal(data, all.ToArray());
        using var tail = new MemoryStream();
        using (var s = spool.OpenRead(150_000))
        {
            s.CopyTo(tail);
        }

        Assert.Equal(data[150_000..], tail.ToArray());
    }

    [Fact]
    public void Past_the_limit_nothing_more_is_kept_but_octets_are_counted()
    {
        using var spool = new MessageSpool(limit: 100, memoryThreshold: 1000);
        spool.Write(new byte[60]);
        Assert.False(spool.Overflowed);
        spool.Write(new byte[60]);
        Assert.True(spool.Overflowed);
        Assert.Equal(120, spool.Length);
        spool.Reset();
        Assert.False(spool.Overflowed);
        Assert.Equal(0, spool.Length);
    }
}
