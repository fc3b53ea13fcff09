using System.Text;
using MailKitServer.Imap.Parsing;

namespace MailKitServer.Imap.Tests.Parsing;

/// <summary>The octet parser gives what the string tokenizer gives, command for command, error for error.</summary>
public class ImapCommandParserTests
{
    public static TheoryData<string> Lines => new()
    {
        "a1 NOOP",
        "a2 uid fetch 1:*,$ (UID FLAGS BODY.PEEK[HEADER.FIELDS (FROM \"TO\" SUBJECT)]<0.100> BODYSTRUCTURE)",
        "a3 LOGIN \"alice@example.test\" \"pa\\\"ss\\\\word\"",
        "a4 SELECT \"Küche/Töpfe & Pfannen\"",
        "a5 LIST \"\" (\"INBOX\" \"Sent*\") RETURN (CHILDREN STATUS (MESSAGES UNSEEN))",
        "a6 SEARCH CHARSET UTF-8 OR (FROM alice SUBJECT \"Grüße\") NOT DELETED",
        "a7 STORE 1:3 +FLAGS.SILENT (\\Seen $Important)",
        "a8 APPEND INBOX NIL nil",
        "a9 FETCH 1 (BODY[1.2.MIME] BINARY.PEEK[2]<0.10>)",
        "b1 NOOP (unbalanced",
        "b2 NOOP )",
        "b3 LOGIN \"unterminated",
        "b4 FETCH 1 BODY[HEADER",
        "b5",
        "(x) NOOP",
        "b6 (list) NOOP",
        "+tag NOOP",
        "b7 X-UNKNOWN-COMMAND arg",
        "b8 NOOP \u0007",
        "b9 SELECT a[b c",
        "d1 SELECT caf\u00e9 x",
        "d2 SELECT a\u0085b x",
        "c1 SEARCH " + new string('(', 65) + "ALL" + new string(')', 65),
    };

    [Theory]
    [MemberData(nameof(Lines))]
    public void Parses_like_the_string_tokenizer(string line)
    {
        var arena = new ImapParseArena();
        arena.Load(Encoding.UTF8.GetBytes(line));
        var parsed = ImapCommandParser.TryParse(arena, out var error);

        var tokenized = ImapTokenizer.TryTokenize(line, [], out var tokens, out var tokenizerError);
        if (!tokenized)
        {
            Assert.False(parsed);
            Assert.Equal(tokenizerError, error);
            return;
        }

        if (tokens.Count < 2 || tokens[0].Kind != ImapTokenKind.Atom || tokens[1].Kind != ImapTokenKind.Atom || !ImapCommandParser.ValidTag(Encoding.UTF8.GetBytes(tokens[0].Text)))
        {
            Assert.False(parsed);
            Assert.Equal(ImapCommandParser.MissingTagOrCommand, error);
            return;
        }

        Assert.True(parsed, error);
        var command = arena.Command;
        Assert.Equal(tokens[0].Text, command.Tag);
        Assert.Equal(tokens[1].Text.ToUpperInvariant(), command.Name);
        Assert.Equal(string.Join(' ', tokens.Skip(2)), string.Join(' ', command.Arguments));
        Assert.Equal(tokens.Skip(2).Select(t => t.IsNil), command.Arguments.Select(t => t.IsNil));
    }

    [Fact]
    public void The_arena_is_reused_command_after_command()
    {
        var arena = new ImapParseArena();
        arena.Load("a1 FETCH 1 (FLAGS UID)"u8);
        Assert.True(ImapCommandParser.TryParse(arena, out _));
        Assert.Equal("(FLAGS UID)", arena.Command.Arguments[1].ToString());
        arena.Load("a2 SELECT \"INBOX\""u8);
        Assert.True(ImapCommandParser.TryParse(arena, out _));
        Assert.Equal(("a2", "SELECT", "INBOX"), (arena.Command.Tag, arena.Command.Name, arena.Command.Arguments[0].Text));
        Assert.Single(arena.Command.Arguments);
    }

    [Fact]
    public void Steady_state_parsing_allocates_nothing()
    {
        var arena = new ImapParseArena();
        var line = "a2 UID FETCH 1:*,$ (UID FLAGS RFC822.SIZE BODY.PEEK[HEADER.FIELDS (FROM TO SUBJECT DATE)] BODYSTRUCTURE)"u8.ToArray();
        for (var i = 0; i < 3; i++)
        {
            // The same code as measured below, so nothing is loaded or compiled for the first time inside the measurement.
            arena.Load(line);
            Assert.True(ImapCommandParser.TryParse(arena, out _));
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            arena.Load(line);
            Assert.True(ImapCommandParser.TryParse(arena, out _));
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
