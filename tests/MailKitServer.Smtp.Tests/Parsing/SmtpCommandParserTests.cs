using System.Text;
using MailKitServer.Smtp.Parsing;

namespace MailKitServer.Smtp.Tests.Parsing;

public class SmtpCommandParserTests
{
    [Theory]
    [InlineData("EHLO client.test", "Ehlo", "client.test")]
    [InlineData("ehlo   client.test  ", "Ehlo", "client.test")]
    [InlineData("HeLo x", "Helo", "x")]
    [InlineData("LHLO x", "Lhlo", "x")]
    [InlineData("MAIL FROM:<a@b.test> SIZE=10", "Mail", "FROM:<a@b.test> SIZE=10")]
    [InlineData("rcpt TO:<a@b.test>", "Rcpt", "TO:<a@b.test>")]
    [InlineData("DATA", "Data", "")]
    [InlineData("BDAT 100 LAST", "Bdat", "100 LAST")]
    [InlineData("RSET", "Rset", "")]
    [InlineData("NOOP", "Noop", "")]
    [InlineData("QUIT", "Quit", "")]
    [InlineData("VRFY bob", "Vrfy", "bob")]
    [InlineData("EXPN list", "Expn", "list")]
    [InlineData("HELP", "Help", "")]
    [InlineData("AUTH PLAIN AGEAYg==", "Auth", "PLAIN AGEAYg==")]
    [InlineData("StartTLS", "StartTls", "")]
    [InlineData("MAILX FROM:<a@b>", "Unknown", "FROM:<a@b>")]
    [InlineData("GET / HTTP/1.1", "Unknown", "/ HTTP/1.1")]
    [InlineData("", "Unknown", "")]
    [InlineData("M@IL x", "Unknown", "x")]
    [InlineData("\u00c9HLO x", "Unknown", "x")]
    public void Verbs_are_recognised_case_insensitively(string line, string verb, string argument)
    {
        var bytes = Encoding.UTF8.GetBytes(line);
        var command = SmtpCommandParser.Parse(bytes);
        Assert.Equal(Enum.Parse<SmtpVerb>(verb), command.Verb);
        Assert.Equal(argument, Encoding.UTF8.GetString(bytes.AsSpan()[command.Argument]));
    }

    [Fact]
    public void Every_byte_value_in_a_verb_is_safe()
    {
        for (var b = 0; b < 256; b++)
        {
            var line = new byte[] { (byte)'M', (byte)b, (byte)'I', (byte)'L' };
            var verb = SmtpCommandParser.Parse(line).Verb;
            Assert.Equal(b is 'A' or 'a' ? SmtpVerb.Mail : SmtpVerb.Unknown, verb);
        }
    }
}
