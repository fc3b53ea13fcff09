using System.Text;
using MailKitServer.Smtp.Parsing;

namespace MailKitServer.Smtp.Tests.Parsing;

public class SmtpCommandParserTests
{
    [Theory]
    [InlineData("EHLO client.test", SmtpVerb.Ehlo, "client.test")]
    [InlineData("ehlo   client.test  ", SmtpVerb.Ehlo, "client.test")]
    [InlineData("HeLo x", SmtpVerb.Helo, "x")]
    [InlineData("LHLO x", SmtpVerb.Lhlo, "x")]
    [InlineData("MAIL FROM:<a@b.test> SIZE=10", SmtpVerb.Mail, "FROM:<a@b.test> SIZE=10")]
    [InlineData("rcpt TO:<a@b.test>", SmtpVerb.Rcpt, "TO:<a@b.test>")]
    [InlineData("DATA", SmtpVerb.Data, "")]
    [InlineData("BDAT 100 LAST", SmtpVerb.Bdat, "100 LAST")]
    [InlineData("RSET", SmtpVerb.Rset, "")]
    [InlineData("NOOP", SmtpVerb.Noop, "")]
    [InlineData("QUIT", SmtpVerb.Quit, "")]
    [InlineData("VRFY bob", SmtpVerb.Vrfy, "bob")]
    [InlineData("EXPN list", SmtpVerb.Expn, "list")]
    [InlineData("HELP", SmtpVerb.Help, "")]
    [InlineData("AUTH PLAIN AGEAYg==", SmtpVerb.Auth, "PLAIN AGEAYg==")]
    [InlineData("StartTLS", SmtpVerb.StartTls, "")]
    [InlineData("MAILX FROM:<a@b>", SmtpVerb.Unknown, "FROM:<a@b>")]
    [InlineData("GET / HTTP/1.1", SmtpVerb.Unknown, "/ HTTP/1.1")]
    [InlineData("", SmtpVerb.Unknown, "")]
    [InlineData("M@IL x", SmtpVerb.Unknown, "x")]
    [InlineData("\u00c9HLO x", SmtpVerb.Unknown, "x")]
    public void Verbs_are_recognised_case_insensitively(string line, SmtpVerb verb, string argument)
    {
        var bytes = Encoding.UTF8.GetBytes(line);
        var command = SmtpCommandParser.Parse(bytes);
        Assert.Equal(verb, command.Verb);
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
