using System.Text;
using MailKitServer.Smtp.Outbound;
using MailKitServer.TestSupport;

namespace MailKitServer.Smtp.Tests.Outbound;

/// <summary>The SMTP client's reply reader with its input split at every byte boundary, and on broken input.</summary>
public class SmtpClientReplyReaderTests
{
    /// <summary>A stream whose reads return the given pieces one by one, then end.</summary>
    private sealed class PiecesStream(IEnumerable<byte[]> pieces) : Stream
    {
        private readonly Queue<byte[]> _pieces = new(pieces.Where(p => p.Length > 0));

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (!_pieces.TryDequeue(out var piece))
            {
                return ValueTask.FromResult(0);
            }

            var n = Math.Min(piece.Length, buffer.Length);
            piece.AsSpan(0, n).CopyTo(buffer.Span);
            if (n < piece.Length)
            {
                var rest = new Queue<byte[]>([piece[n..], .. _pieces]);
                _pieces.Clear();
                foreach (var p in rest)
                {
                    _pieces.Enqueue(p);
                }
            }

            return ValueTask.FromResult(n);
        }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().Result;

        public override void Write(byte[] buffer, int offset, int count)
        {
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }

    private static SmtpClientConnection Over(IEnumerable<byte[]> pieces) =>
        SmtpClientConnection.OverStream(new PiecesStream(pieces), new OutboundOptions { CommandTimeout = TimeSpan.FromSeconds(5) }, TimeProvider.System);

    [Fact]
    public async Task Multi_line_replies_read_the_same_at_every_split()
    {
        var input = Encoding.ASCII.GetBytes("250-mx.b.test greets you\r\n250-PIPELINING\r\n250 SIZE 1000\r\n550 5.1.1 <x@b.test>: no such user\n");
        foreach (var pieces in Segments.Splits(input))
        {
            await using var connection = Over(pieces);
            var ehlo = await connection.ReadReplyAsync(TimeSpan.FromSeconds(5), default);
            Assert.Equal(250, ehlo.Code);
            Assert.Equal(["mx.b.test greets you", "PIPELINING", "SIZE 1000"], ehlo.Lines);
            var refusal = await connection.ReadReplyAsync(TimeSpan.FromSeconds(5), default);
            Assert.Equal((550, "5.1.1"), (refusal.Code, refusal.Status));
        }
    }

    [Theory]
    [InlineData("HTTP/1.1 400 Bad Request\r\n", "garbage")]
    [InlineData("250-first\r\n354 second\r\n", "changed the reply code")]
    [InlineData("250-unfinished\r\n", "lost connection")]
    [InlineData("999 no such class\r\n", "garbage")]
    public async Task Broken_replies_are_protocol_errors_at_every_split(string reply, string words)
    {
        foreach (var pieces in Segments.Splits(Encoding.ASCII.GetBytes(reply)))
        {
            await using var connection = Over(pieces);
            var error = await Assert.ThrowsAsync<SmtpProtocolException>(() => connection.ReadReplyAsync(TimeSpan.FromSeconds(5), default));
            Assert.Contains(words, error.Message, StringComparison.Ordinal);
            Assert.False(connection.IsUsable);
        }
    }

    [Fact]
    public async Task An_endless_line_is_refused_after_4_KB()
    {
        await using var connection = Over([Encoding.ASCII.GetBytes("250-" + new string('x', 5000))]);
        var error = await Assert.ThrowsAsync<SmtpProtocolException>(() => connection.ReadReplyAsync(TimeSpan.FromSeconds(5), default));
        Assert.Contains("longer than 4096", error.Message, StringComparison.Ordinal);
    }
}
