using System.Text;
using MailKitServer.Pop3.Session;
using MailKitServer.TestSupport;

namespace MailKitServer.Pop3.Tests.Session;

public class TopLimiterTests
{
    private static string Top(byte[][] pieces, int lines)
    {
        var limiter = new TopLimiter(lines);
        var sb = new StringBuilder();
        foreach (var p in pieces)
        {
            var (take, done) = limiter.Take(p);
            sb.Append(Encoding.ASCII.GetString(p, 0, take));
            if (done)
            {
                break;
            }
        }

        return sb.ToString();
    }

    [Theory]
    [InlineData(0, "Subject: a\r\nFrom: b\r\n\r\n")]
    [InlineData(1, "Subject: a\r\nFrom: b\r\n\r\nline1\r\n")]
    [InlineData(2, "Subject: a\r\nFrom: b\r\n\r\nline1\r\nline2\r\n")]
    [InlineData(10, "Subject: a\r\nFrom: b\r\n\r\nline1\r\nline2\r\nline3\r\n")]
    public void Header_blank_line_and_n_body_lines_at_every_split(int lines, string expected)
    {
        var message = Encoding.ASCII.GetBytes("Subject: a\r\nFrom: b\r\n\r\nline1\r\nline2\r\nline3\r\n");
        foreach (var split in Segments.Splits(message))
        {
            Assert.Equal(expected, Top(split, lines));
        }
    }
}
