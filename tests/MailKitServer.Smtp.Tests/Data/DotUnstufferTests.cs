using MailKitServer.Runtime;
using System.Text;
using MailKitServer.Smtp.Data;
using MailKitServer.TestSupport;

namespace MailKitServer.Smtp.Tests.Data;

public class DotUnstufferTests
{
    private sealed class Sink : IDataSink
    {
        public List<byte> Bytes { get; } = [];

        public void Write(ReadOnlySpan<byte> data) => Bytes.AddRange(data.ToArray());
    }

    /// <summary>Feeds the pieces in order; returns the body and how many octets of input were consumed in all, or null when no end was found.</summary>
    private static (string Body, int Consumed)? Decode(byte[][] pieces)
    {
        var unstuffer = new DotUnstuffer();
        var sink = new Sink();
        var total = 0;
        foreach (var piece in pieces)
        {
            if (unstuffer.Decode(piece, sink, out var consumed))
            {
                return (Encoding.Latin1.GetString(sink.Bytes.ToArray()), total + consumed);
            }

            Assert.Equal(piece.Length, consumed);
            total += consumed;
        }

        return null;
    }

    private static void AtEverySplit(string input, string? body, string? after = null)
    {
        var data = Encoding.Latin1.GetBytes(input);
        foreach (var split in Segments.Splits(data))
        {
            var result = Decode(split);
            if (body is null)
            {
                Assert.Null(result);
                continue;
            }

            Assert.NotNull(result);
            Assert.Equal(body, result.Value.Body);
            Assert.Equal(after ?? string.Empty, input[result.Value.Consumed..]);
        }
    }

    [Fact]
    public void Plain_message_ends_at_crlf_dot_crlf() =>
        AtEverySplit("Subject: x\r\n\r\nhello\r\n.\r\nQUIT\r\n", "Subject: x\r\n\r\nhello\r\n", "QUIT\r\n");

    [Fact]
    public void Empty_message() => AtEverySplit(".\r\n", string.Empty);

    [Fact]
    public void Stuffed_dots_are_removed() =>
        AtEverySplit("..leading\r\n...two\r\n.x\r\nmid.dle\r\n.\r\n", ".leading\r\n..two\r\nx\r\nmid.dle\r\n");

    [Theory]
    [InlineData("a\n.\r\nMAIL FROM:<evil@x>\r\n")] // <LF>.<CR><LF>
    [InlineData("a\r\n.\nMAIL FROM:<evil@x>\r\n")] // <CR><LF>.<LF>
    [InlineData("a\r.\r\nMAIL FROM:<evil@x>\r\n")] // <CR>.<CR><LF>
    [InlineData("a\n.\nMAIL FROM:<evil@x>\r\n")] // <LF>.<LF>
    [InlineData("a\r\n.\r.\r\n")]
    public void Smuggling_sequences_never_end_the_data(string input) => AtEverySplit(input, null);

    [Fact]
    public void Smuggled_end_stays_in_the_message_and_the_real_end_is_found() =>
        AtEverySplit("a\n.\r\nMAIL FROM:<evil@x>\r\n.\r\nNOOP\r\n", "a\n.\r\nMAIL FROM:<evil@x>\r\n", "NOOP\r\n");

    [Fact]
    public void Dot_cr_not_followed_by_lf_keeps_the_cr() =>
        AtEverySplit("x\r\n.\rz\r\n.\r\n", "x\r\n\rz\r\n");

    [Fact]
    public void Eight_bit_and_bare_line_ends_are_reported()
    {
        var u = new DotUnstuffer();
        var sink = new Sink();
        Assert.True(u.Decode(Encoding.Latin1.GetBytes("caf\u00e9\nx\r\n.\r\n"), sink, out _));
        Assert.True(u.Saw8Bit);
        Assert.True(u.SawBareLineEnd);
        u.Reset();
        Assert.True(u.Decode("plain\r\n.\r\n"u8, sink, out _));
        Assert.False(u.Saw8Bit);
        Assert.False(u.SawBareLineEnd);
    }
    [Fact]
    public void Long_plain_runs_decode_as_they_do_octet_by_octet()
    {
        // Whole inputs take the block-skipping path (32 octets at a time); one octet at a time never does. Lines of
        // every length around the block size, with stuffed dots, bare CRs and LFs, CR at block edges and 8-bit text.
        var random = new Random(24);
        byte[] alphabet = [(byte)'x', (byte)'x', (byte)'x', (byte)'x', (byte)'x', (byte)'.', (byte)'\r', (byte)'\n', 0xE9];
        for (var round = 0; round < 3000; round++)
        {
            var data = new List<byte>();
            while (data.Count < 400)
            {
                var length = random.Next(0, 70);
                var rare = random.Next(4) == 0;
                for (var k = 0; k < length; k++)
                {
                    data.Add(rare ? alphabet[random.Next(alphabet.Length)] : (byte)'x');
                }

                data.AddRange(random.Next(40) == 0 ? "\n"u8.ToArray() : "\r\n"u8.ToArray());
                if (random.Next(10) == 0)
                {
                    data.Add((byte)'.');
                }
            }

            if (round % 2 == 0)
            {
                data.AddRange("\r\n.\r\nQUIT\r\n"u8.ToArray());
            }

            var input = data.ToArray();
            var whole = Run(new[] { input });
            var octets = Run(input.Select(b => new[] { b }).ToArray());
            Assert.Equal(octets, whole);
        }
    }

    /// <summary>Feeds the pieces in order: the output, the input consumed, whether the end was found, and the flags.</summary>
    private static (string Body, int Consumed, bool Ended, bool Saw8Bit, bool SawBare) Run(byte[][] pieces)
    {
        var unstuffer = new DotUnstuffer();
        var sink = new Sink();
        var total = 0;
        var ended = false;
        foreach (var piece in pieces)
        {
            ended = unstuffer.Decode(piece, sink, out var consumed);
            total += consumed;
            if (ended)
            {
                break;
            }
        }

        return (Encoding.Latin1.GetString(sink.Bytes.ToArray()), total, ended, unstuffer.Saw8Bit, unstuffer.SawBareLineEnd);
    }
}
