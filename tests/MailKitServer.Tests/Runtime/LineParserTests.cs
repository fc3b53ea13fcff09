using System.Buffers;
using System.Text;
using MailKitServer.Runtime;
using MailKitServer.TestSupport;

namespace MailKitServer.Tests.Runtime;

public class LineParserTests
{
    /// <summary>Feeds the chunks one by one, as a pipe would, and collects what the parser reports.</summary>
    private static List<string> Stream(byte[][] chunks, int maxLength)
    {
        var results = new List<string>();
        var pending = Array.Empty<byte>();
        var discarding = false;
        foreach (var chunk in chunks)
        {
            pending = [.. pending, .. chunk];
            while (true)
            {
                // Present the unconsumed bytes as two segments to exercise segment boundaries too.
                var cut = pending.Length / 2;
                var reader = new SequenceReader<byte>(Segments.Create(pending[..cut], pending[cut..]));
                if (discarding)
                {
                    if (!LineParser.TrySkipLine(ref reader))
                    {
                        pending = [];
                        break;
                    }

                    discarding = false;
                    results.Add("<too long>");
                    pending = pending[(int)reader.Consumed..];
                    continue;
                }

                var status = LineParser.TryReadLine(ref reader, maxLength, out var line, out var crlf);
                if (status == OperationStatus.NeedMoreData)
                {
                    break;
                }

                if (status == OperationStatus.InvalidData)
                {
                    discarding = true;
                    continue;
                }

                results.Add(Encoding.ASCII.GetString(line.ToArray()) + (crlf ? "" : "<LF>"));
                pending = pending[(int)reader.Consumed..];
            }
        }

        return results;
    }

    [Fact]
    public void Lines_are_found_at_every_split()
    {
        var data = "EHLO x\r\nMAIL FROM:<a@b>\r\nbare\nRCPT TO:<c@d>\r\n\r\npartial"u8.ToArray();
        string[] expected = ["EHLO x", "MAIL FROM:<a@b>", "bare<LF>", "RCPT TO:<c@d>", ""];
        foreach (var split in Segments.Splits(data))
        {
            Assert.Equal(expected, Stream(split, 64));
        }
    }

    [Fact]
    public void Overlong_line_is_reported_once_and_the_next_line_is_read_at_every_split()
    {
        var data = Encoding.ASCII.GetBytes("SHORT\r\n" + new string('x', 100) + "\r\nNEXT\r\n");
        foreach (var split in Segments.Splits(data))
        {
            Assert.Equal(["SHORT", "<too long>", "NEXT"], Stream(split, 20));
        }
    }

    [Fact]
    public void Limit_counts_the_crlf()
    {
        // 18 characters + CRLF = 20 octets: accepted at a limit of 20, refused at 19.
        var data = Encoding.ASCII.GetBytes(new string('a', 18) + "\r\n");
        Assert.Equal([new string('a', 18)], Stream([data], 20));
        Assert.Equal(["<too long>"], Stream([data], 19));
    }

    [Fact]
    public void Incomplete_line_over_the_limit_is_invalid_before_its_end_arrives()
    {
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(new byte[50]));
        Assert.Equal(OperationStatus.InvalidData, LineParser.TryReadLine(ref reader, 20, out _, out _));
        Assert.Equal(0, reader.Consumed);
    }
}
