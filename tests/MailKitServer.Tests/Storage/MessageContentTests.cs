using System.Runtime.CompilerServices;
using MailKitServer.Storage.InMemory;

namespace MailKitServer.Tests.Storage;

/// <summary>
/// The in-memory store's message content: larger messages in the process's memory file (Linux), smaller ones and
/// everything elsewhere in arrays; both read back whole and in any slice, and a collected message's pages freed
/// without touching its neighbours'.
/// </summary>
public sealed class MessageContentTests
{
    private static byte[] Octets(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static byte[] ReadAll(Stream stream, int chunk)
    {
        using var copy = new MemoryStream();
        var buffer = new byte[chunk];
        int n;
        while ((n = stream.Read(buffer, 0, chunk)) > 0)
        {
            copy.Write(buffer, 0, n);
        }

        return copy.ToArray();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4095)]
    [InlineData(4096)]
    [InlineData(4097)]
    [InlineData(10_752)]
    [InlineData(65_539)]
    [InlineData(1_048_577)]
    public async Task Messages_read_back_whole_and_in_slices(int length)
    {
        var original = Octets(length, length);
        var content = await MessageContent.ReadAsync(new MemoryStream(original), long.MaxValue, MemoryFile.Shared, default);

        Assert.NotNull(content);
        Assert.Equal(length, content.Length);
        var inFile = OperatingSystem.IsLinux() && length >= MessageContent.FileThreshold;
        Assert.Equal(inFile, content is FileContent);
        Assert.Equal(original, ReadAll(content.OpenRead(0, length), 65_536));

        var random = new Random(length);
        for (var i = 0; i < 40; i++)
        {
            var start = random.Next(length + 1);
            var count = random.Next(length - start + 1);
            using var slice = content.OpenRead(start, count);
            Assert.Equal(count, slice.Length);
            Assert.Equal(original.AsSpan(start, count).ToArray(), ReadAll(slice, 1 + random.Next(5000)));
        }
    }

    [Fact]
    public async Task A_slice_reads_octet_by_octet_from_every_start_and_seeks()
    {
        var original = Octets(5000, 7);
        var content = await MessageContent.ReadAsync(new MemoryStream(original), long.MaxValue, MemoryFile.Shared, default);
        Assert.NotNull(content);
        for (var start = 0; start <= original.Length; start += 61)
        {
            using var stream = content.OpenRead(start, original.Length - start);
            Assert.Equal(original.AsSpan(start).ToArray(), ReadAll(stream, 1));
            stream.Seek(-3, SeekOrigin.End);
            Assert.Equal(original.AsSpan(original.Length - 3).ToArray(), ReadAll(stream, 2));
        }
    }

    [Fact]
    public async Task Over_the_limit_is_refused_and_the_stream_is_read_to_its_end_when_not_seekable()
    {
        var original = Octets(20_000, 3);
        Assert.Null(await MessageContent.ReadAsync(new MemoryStream(original), 19_999, MemoryFile.Shared, default));

        var unseekable = new UnseekableStream(original);
        Assert.Null(await MessageContent.ReadAsync(unseekable, 19_999, MemoryFile.Shared, default));
        Assert.Equal(-1, unseekable.ReadByte());

        var kept = Assert.IsType<ArrayContent>(await MessageContent.ReadAsync(new UnseekableStream(original), 20_000, MemoryFile.Shared, default));
        Assert.Equal(original, ReadAll(kept.OpenRead(0, original.Length), 4096));
    }

    [Fact]
    public void Freed_pages_read_as_zeros_and_the_neighbours_keep_theirs()
    {
        if (MemoryFile.Shared is not { } file)
        {
            return; // no memory file here: nothing is freed this way
        }

        var ranges = new (long Offset, byte[] Octets)[3];
        for (var i = 0; i < ranges.Length; i++)
        {
            var octets = Octets(10_752, 100 + i);
            var offset = file.Reserve(octets.Length);
            file.Write(offset, octets);
            ranges[i] = (offset, octets);
        }

        file.Free(ranges[1].Offset, ranges[1].Octets.Length);

        var back = new byte[10_752];
        Assert.Equal(back.Length, file.Read(ranges[1].Offset, back));
        Assert.All(back, b => Assert.Equal(0, b));
        foreach (var i in new[] { 0, 2 })
        {
            Assert.Equal(back.Length, file.Read(ranges[i].Offset, back));
            Assert.Equal(ranges[i].Octets, back);
        }
    }

    [Fact]
    public async Task A_collected_message_gives_its_pages_back()
    {
        if (MemoryFile.Shared is not { } file)
        {
            return;
        }

        var (offset, length) = await StoreAndForgetAsync();
        GC.Collect();
        GC.WaitForPendingFinalizers();

        var back = new byte[length];
        Assert.Equal(length, file.Read(offset, back));
        Assert.All(back, b => Assert.Equal(0, b));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task<(long Offset, int Length)> StoreAndForgetAsync()
    {
        var content = (FileContent)(await MessageContent.ReadAsync(new MemoryStream(Octets(9000, 9)), long.MaxValue, MemoryFile.Shared, default))!;
        Assert.NotEqual(0, ReadAll(content.OpenRead(0, 9000), 9000).Max());
        return (content.Offset, (int)content.Length);
    }

    private sealed class UnseekableStream(byte[] octets) : MemoryStream(octets)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();
    }
}
