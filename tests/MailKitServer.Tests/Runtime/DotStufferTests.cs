using System.Buffers;
using System.Text;
using MailKitServer.Runtime;
using MailKitServer.TestSupport;

namespace MailKitServer.Tests.Runtime;

public class DotStufferTests
{
    private static string Stuff(byte[][] pieces)
    {
        var output = new ArrayBufferWriter<byte>();
        var stuffer = new DotStuffer();
        foreach (var p in pieces)
        {
            stuffer.Write(p, output);
        }

        stuffer.Finish(output);
        return Encoding.Latin1.GetString(output.WrittenSpan);
    }

    [Theory]
    [InlineData("a\r\n.b\r\n..c\r\n.\r\nd\r\n", "a\r\n..b\r\n...c\r\n..\r\nd\r\n.\r\n")]
    [InlineData(".first\r\nno end", "..first\r\nno end\r\n.\r\n")]
    [InlineData("", ".\r\n")]
    [InlineData("x.y\r\nz\n.bare\r\n", "x.y\r\nz\n..bare\r\n.\r\n")]
    [InlineData("ends with cr\r", "ends with cr\r\r\n.\r\n")]
    public void Lines_starting_with_a_dot_are_stuffed_at_every_split(string input, string expected)
    {
        foreach (var split in Segments.Splits(Encoding.Latin1.GetBytes(input)))
        {
            Assert.Equal(expected, Stuff(split));
        }
    }
}
