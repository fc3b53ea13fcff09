using System.Buffers;
using System.Text;
using MailKitServer.Sieve.ManageSieve;
using MailKitServer.TestSupport;

namespace MailKitServer.Sieve.Tests.ManageSieve;

/// <summary>The ManageSieve command reader fed every split of its input: the same commands come out.</summary>
public sealed class ManageSieveParserTests
{
    private const string Input =
        "CAPABILITY\r\n" +
        "AUTHENTICATE \"PLAIN\" \"AGJvYgBwdw==\"\r\n" +
        "PUTSCRIPT \"my \\\"quoted\\\" name\" {22+}\r\nkeep;\r\n# caf\u00e9 \\ \"x\"\r\n\r\n" +
        "havespace \"s\" 1024\nNOOP {3}\r\nabc\r\n" +
        "RENAMESCRIPT \"a\" \"b\"\r\n";

    private static readonly string[] Expected =
    [
        "CAPABILITY",
        "AUTHENTICATE|PLAIN|AGJvYgBwdw==",
        "PUTSCRIPT|my \"quoted\" name|keep;\r\n# caf\u00e9 \\ \"x\"\r\n",
        "HAVESPACE|s|1024",
        "NOOP|abc",
        "RENAMESCRIPT|a|b",
    ];

    private static List<string> ParseAll(ReadOnlySequence<byte> input)
    {
        var commands = new List<string>();
        var reader = new SequenceReader<byte>(input);
        while (true)
        {
            var status = ManageSieveParser.TryParse(ref reader, 1024, response: false, out var command, out var error, out _);
            if (status == ManageSieveParseResult.NeedMoreData)
            {
                return commands;
            }

            commands.Add(status == ManageSieveParseResult.Command ? string.Join('|', [command!.Verb, .. command.Arguments]) : $"{status}:{error}");
        }
    }

    [Fact]
    public void Every_split_of_the_input_gives_the_same_commands()
    {
        var bytes = Encoding.UTF8.GetBytes(Input);
        Assert.Equal(Expected, ParseAll(new ReadOnlySequence<byte>(bytes)));
        foreach (var parts in Segments.Splits(bytes))
        {
            Assert.Equal(Expected, ParseAll(Segments.Create(parts)));
        }
    }

    [Fact]
    public void Every_prefix_of_a_command_needs_more_data_and_consumes_nothing()
    {
        var bytes = Encoding.UTF8.GetBytes("PUTSCRIPT \"a\" {5+}\r\nkeep;\r\n");
        for (var i = 0; i < bytes.Length; i++)
        {
            var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(bytes, 0, i));
            Assert.Equal(ManageSieveParseResult.NeedMoreData, ManageSieveParser.TryParse(ref reader, 1024, false, out _, out _, out _));
            Assert.Equal(0, reader.Consumed);
        }
    }

    [Theory]
    [InlineData("PUTSCRIPT \"a\r\n", "malformed quoted string")]
    [InlineData("PUTSCRIPT \"a\\x\"\r\n", "malformed quoted string")]
    [InlineData("GETSCRIPT {abc}\r\n", "malformed literal")]
    [InlineData("GETSCRIPT\"a\"\r\n", "expected a space between arguments")]
    [InlineData(" \r\n", "expected a command")]
    [InlineData("A 1 2 3 4 5 6 7 8 9\r\n", "too many arguments")]
    public void A_malformed_line_is_a_syntax_error_and_is_skipped(string line, string error)
    {
        var bytes = Encoding.UTF8.GetBytes(line + "NOOP\r\n");
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(bytes));
        Assert.Equal(ManageSieveParseResult.SyntaxError, ManageSieveParser.TryParse(ref reader, 1024, false, out _, out var message, out _));
        Assert.Equal(error, message);
        Assert.Equal(ManageSieveParseResult.Command, ManageSieveParser.TryParse(ref reader, 1024, false, out var next, out _, out _));
        Assert.Equal("NOOP", next!.Verb);
    }

    [Fact]
    public void A_literal_over_the_limit_is_reported_with_its_size_before_its_octets_arrive()
    {
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes("PUTSCRIPT \"big\" {1048576+}\r\n")));
        Assert.Equal(ManageSieveParseResult.LiteralTooLarge, ManageSieveParser.TryParse(ref reader, 1024, false, out _, out _, out var size));
        Assert.Equal(1048576, size);
        Assert.Equal(0, reader.Remaining);
    }

    [Fact]
    public void A_line_without_end_beyond_the_bound_is_refused()
    {
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes("NOOP " + new string('a', ManageSieveParser.MaxLineLength + 10))));
        Assert.Equal(ManageSieveParseResult.LineTooLong, ManageSieveParser.TryParse(ref reader, 1024, false, out _, out _, out _));
    }

    [Fact]
    public void A_SASL_response_is_one_string_without_a_verb()
    {
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes("\"dj1hYmM=\"\r\n{4+}\r\nabcd\r\n")));
        Assert.Equal(ManageSieveParseResult.Command, ManageSieveParser.TryParse(ref reader, 1024, true, out var first, out _, out _));
        Assert.Equal(["dj1hYmM="], first!.Arguments);
        Assert.Equal(ManageSieveParseResult.Command, ManageSieveParser.TryParse(ref reader, 1024, true, out var second, out _, out _));
        Assert.Equal(["abcd"], second!.Arguments);
    }
}
