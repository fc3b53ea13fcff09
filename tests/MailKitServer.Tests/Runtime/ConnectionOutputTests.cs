using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using MailKitServer.Runtime;

namespace MailKitServer.Tests.Runtime;

public class ConnectionOutputTests
{
    [Fact]
    public async Task Output_larger_than_one_array_reaches_the_stream_whole_and_in_order()
    {
        var stream = new MemoryStream();
        var output = new ConnectionOutput(stream);
        var expected = new StringBuilder();
        for (var i = 0; i < 3000; i++)
        {
            var line = $"* {i} FETCH (FLAGS (\\Seen))\r\n";
            expected.Append(line);
            output.Write(Encoding.ASCII.GetBytes(line));
        }

        // A span asked for with a size hint larger than the arrays the output uses.
        var big = new string('x', 20_000) + "\r\n";
        Encoding.ASCII.GetBytes(big, output);
        expected.Append(big);
        Assert.Equal(expected.Length, output.UnflushedBytes);
        Assert.Equal(0, stream.Length);

        var result = await output.FlushAsync();
        Assert.False(result.IsCanceled);
        Assert.Equal(0, output.UnflushedBytes);
        Assert.Equal(expected.ToString(), Encoding.ASCII.GetString(stream.ToArray()));

        // Nothing written: a flush writes nothing.
        await output.FlushAsync();
        Assert.Equal(expected.Length, stream.Length);
    }

    [Fact]
    public async Task A_long_response_goes_to_the_stream_in_few_large_writes_and_small_ones_stay_small()
    {
        // A FETCH of thousands of messages: lines streamed with a flush every 64 KB, as FlushWhenFullAsync does.
        var stream = new CountingStream();
        var output = new ConnectionOutput(stream);
        var expected = new StringBuilder();
        for (var i = 0; i < 20_000; i++)
        {
            var line = $"* {i + 1} FETCH (FLAGS (\\Seen) ENVELOPE (\"Mon, 1 Dec 2026 03:15:00 +0000\" \"Message {i}\" NIL))\r\n";
            expected.Append(line);
            output.Write(Encoding.ASCII.GetBytes(line));
            if (output.UnflushedBytes >= MailConnection.ResponseChunk)
            {
                await output.FlushAsync();
            }
        }

        await output.FlushAsync();
        Assert.Equal(expected.ToString(), Encoding.ASCII.GetString(stream.ToArray()));

        // One write per 4 KB array made hundreds; arrays that double (4, 8, 16, 32, 64, then 128 KB) take one write
        // per flush once grown.
        var flushes = (expected.Length + MailConnection.ResponseChunk - 1) / MailConnection.ResponseChunk;
        Assert.InRange(stream.Writes.Count, flushes, flushes + 8);
        Assert.All(stream.Writes.Skip(7).SkipLast(1), n => Assert.True(n >= MailConnection.ResponseChunk, $"a write of {n} octets"));

        // The next small response is written from a small array again.
        stream.Writes.Clear();
        output.Write("a OK FETCH completed\r\n"u8);
        await output.FlushAsync();
        output.Write("b OK NOOP completed\r\n"u8);
        Assert.True(output.GetSpan().Length < 8192, "a small response after a large one rents a small array");
        await output.FlushAsync();
        Assert.Equal(2, stream.Writes.Count);
    }

    [Fact]
    public async Task A_flush_that_waits_for_the_client_ends_when_cancelled_and_a_cancel_between_flushes_is_forgotten()
    {
        var stream = new GatedStream();
        var output = new ConnectionOutput(stream);
        output.Write("first\r\n"u8);
        var first = output.FlushAsync();
        Assert.False(first.IsCompleted);
        stream.Release();
        Assert.False((await first).IsCanceled);

        // A cancel while no flush waits (a time-out firing as the flush ended) does not cancel the next one.
        output.CancelPendingFlush();
        output.Write("second\r\n"u8);
        var second = output.FlushAsync();
        Assert.False(second.IsCompleted);
        stream.Release();
        Assert.False((await second).IsCanceled);

        // A cancel while the flush waits ends it; the write given up on still ends on its own.
        output.Write("third\r\n"u8);
        var third = output.FlushAsync();
        Assert.False(third.IsCompleted);
        output.CancelPendingFlush();
        Assert.True((await third).IsCanceled);
        var abandoned = stream.LastWrite!;
        stream.Release();
        await abandoned;
        Assert.Equal("first\r\nsecond\r\nthird\r\n", stream.Written);
    }

    [Fact]
    public void Writing_after_complete_is_refused()
    {
        var output = new ConnectionOutput(new MemoryStream());
        output.Write("x"u8);
        output.Complete();
        Assert.Throws<InvalidOperationException>(() => output.GetSpan());
    }

    /// <summary>A memory stream that records the length of every write.</summary>
    private sealed class CountingStream : MemoryStream
    {
        public List<int> Writes { get; } = [];

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Writes.Add(buffer.Length);
            return base.WriteAsync(buffer, cancellationToken);
        }
    }

    /// <summary>A stream whose every write waits until the test releases it.</summary>
    private sealed class GatedStream : Stream
    {
        private readonly StringBuilder _written = new();
        private TaskCompletionSource? _gate;

        public string Written
        {
            get
            {
                lock (_written)
                {
                    return _written.ToString();
                }
            }
        }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        /// <summary>The last write, which completes once its octets are kept.</summary>
        public Task? LastWrite { get; private set; }

        public void Release() => Interlocked.Exchange(ref _gate, null)?.TrySetResult();

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _gate = gate;
            LastWrite = KeepAsync(Encoding.ASCII.GetString(buffer.Span), gate.Task);
            return new ValueTask(LastWrite);
        }

        private async Task KeepAsync(string text, Task gate)
        {
            await gate.ConfigureAwait(false);
            lock (_written)
            {
                _written.Append(text);
            }
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
