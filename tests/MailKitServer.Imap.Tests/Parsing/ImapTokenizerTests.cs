using MailKitServer.Imap.Parsing;
using MailKitServer.Storage;

namespace MailKitServer.Imap.Tests.Parsing;

public class ImapTokenizerTests
{
    [Fact]
    public void Atoms_strings_lists_and_fetch_sections()
    {
        Assert.True(ImapTokenizer.TryTokenize("a1 UID FETCH 1:* (FLAGS BODY.PEEK[HEADER.FIELDS (DATE FROM)]<0.100> \"q \\\"x\\\"\")", [], out var tokens, out _));
        Assert.Equal(["a1", "UID", "FETCH", "1:*"], tokens.Take(4).Select(t => t.Text));
        var list = tokens[4];
        Assert.Equal(ImapTokenKind.List, list.Kind);
        Assert.Equal("BODY.PEEK[HEADER.FIELDS (DATE FROM)]<0.100>", list.Items[1].Text);
        Assert.Equal("q \"x\"", list.Items[2].Text);
    }

    [Fact]
    public void Literals_take_their_place()
    {
        var literal = ImapToken.Literal("pass word"u8.ToArray(), null);
        Assert.True(ImapTokenizer.TryTokenize($"a LOGIN user {ImapTokenizer.LiteralMarker}", [literal], out var tokens, out _));
        Assert.Equal("pass word", tokens[3].Text);
        Assert.True(tokens[3].IsLiteral);
    }

    [Theory]
    [InlineData("a FETCH 1 (FLAGS")]
    [InlineData("a FETCH 1 FLAGS)")]
    [InlineData("a LOGIN \"unterminated")]
    public void Malformed_syntax_is_refused(string text) => Assert.False(ImapTokenizer.TryTokenize(text, [], out _, out _));

    [Theory]
    [InlineData("a SELECT !#$&'+,-.0123456789:;<=>?@^_`|[}", "!#$&'+,-.0123456789:;<=>?@^_`|[}")]
    [InlineData("a FETCH 1 BODY[HEADER", "BODY[HEADER")]
    [InlineData("a LIST \"\" a[b%*", "a[b%*")]
    public void An_unclosed_bracket_is_an_ordinary_atom_character(string text, string atom)
    {
        // ATOM-CHAR excludes "]" but not "[" (RFC 9051 §9); only a balanced "[...]" may hold spaces.
        Assert.True(ImapTokenizer.TryTokenize(text, [], out var tokens, out var error), error);
        Assert.Equal(atom, tokens[^1].Text);
    }

    [Fact]
    public void Lists_nested_past_the_limit_are_refused()
    {
        Assert.True(ImapTokenizer.TryTokenize("a SEARCH " + new string('(', 64) + "ALL" + new string(')', 64), [], out _, out _));
        Assert.False(ImapTokenizer.TryTokenize("a SEARCH " + new string('(', 100_000) + "ALL" + new string(')', 100_000), [], out _, out var error));
        Assert.Equal("Too deeply nested", error);
    }

    [Theory]
    [InlineData("Entwürfe", "Entw&APw-rfe")]
    [InlineData("~peter/mail/台北/日本語", "~peter/mail/&U,BTFw-/&ZeVnLIqe-")]
    [InlineData("A&B", "A&-B")]
    [InlineData("plain", "plain")]
    public void Modified_utf7_round_trips(string name, string wire)
    {
        Assert.Equal(wire, ModifiedUtf7.Encode(name));
        Assert.True(ModifiedUtf7.TryDecode(wire, out var back));
        Assert.Equal(name, back);
    }

    [Theory]
    [InlineData("1:3,7", 7u, 9u, true)]
    [InlineData("1:3,7", 5u, 9u, false)]
    [InlineData("5:*", 9u, 9u, true)]
    [InlineData("*:5", 6u, 9u, true)]
    [InlineData("*", 9u, 9u, true)]
    public void Sequence_sets(string text, uint number, uint largest, bool expected)
    {
        Assert.True(SequenceSet.TryParse(text, out var set));
        Assert.Equal(expected, set.Contains(number, largest));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("01")]
    [InlineData("1:")]
    [InlineData("a")]
    [InlineData("")]
    public void Bad_sequence_sets(string text) => Assert.False(SequenceSet.TryParse(text, out _));
}
