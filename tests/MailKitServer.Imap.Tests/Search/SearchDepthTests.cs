using System.Text;
using MailKitServer.Imap.Parsing;
using MailKitServer.Imap.Search;
using MailKitServer.TestSupport;
using static MailKitServer.Imap.Tests.Session.ImapTestClient;

namespace MailKitServer.Imap.Tests.Search;

/// <summary>
/// Issue 15 item 1: SEARCH programs nested 100,000 deep (parentheses, NOT and OR chains) are refused with BAD; the
/// process lives and the session goes on. Before, 15,000 "(" overflowed the stack and took the whole server down.
/// </summary>
public sealed class SearchDepthTests
{
    public static TheoryData<string> HundredThousandLevels => [.. DeepPrograms(100_000)];

    private static string[] DeepPrograms(int levels) =>
    [
        new string('(', levels) + "ALL" + new string(')', levels),
        string.Concat(Enumerable.Repeat("NOT ", levels)) + "ALL",
        string.Concat(Enumerable.Repeat("OR ALL ", levels)) + "ALL",
        string.Concat(Enumerable.Repeat("OR (NOT ", levels)) + "ALL" + string.Concat(Enumerable.Repeat(") ALL", levels)),
    ];

    [Theory]
    [MemberData(nameof(HundredThousandLevels))]
    public void The_parsers_refuse_a_program_nested_100000_deep(string program)
    {
        if (!ImapTokenizer.TryTokenize("a SEARCH " + program, [], out var tokens, out var error))
        {
            Assert.Equal(ImapTokenizer.TooDeep, error);
            return;
        }

        Assert.False(SearchParser.TryParse(tokens.Skip(2).ToList(), out _, out error));
        Assert.Equal("Search program too deeply nested", error);
    }

    [Fact]
    public void A_program_as_deep_as_the_limit_is_parsed()
    {
        var program = string.Concat(Enumerable.Repeat("NOT ", SearchParser.MaxDepth - 1)) + "ALL";
        Assert.True(ImapTokenizer.TryTokenize("a SEARCH " + program, [], out var tokens, out _));
        Assert.True(SearchParser.TryParse(tokens.Skip(2).ToList(), out var key, out var error), error);
        Assert.Equal(SearchKeyKind.Not, key.Kind);
    }

    [Theory]
    [InlineData("SEARCH ")]
    [InlineData("UID SEARCH ")]
    [InlineData("SEARCH CHARSET UTF-8 ")]
    [InlineData("UID SEARCH RETURN (COUNT) CHARSET US-ASCII ")]
    public async Task A_server_answers_bad_to_100000_levels_sent_in_pieces_and_serves_the_session_afterwards(string command)
    {
        await using var server = await TestMailServer.StartAsync(imap: o => o.MaxLineLength = 4 * 1024 * 1024);
        await server.AppendAsync("alice@example.test", "Subject: a\r\n\r\nbody\r\n");
        await using var client = await LoginAsync(server);
        await TaggedAsync(client, "s SELECT INBOX");
        foreach (var program in DeepPrograms(100_000))
        {
            // The line streams in through the command reader in pieces of odd sizes.
            var line = Encoding.ASCII.GetBytes("d " + command + program + "\r\n");
            for (var offset = 0; offset < line.Length; offset += 65_521)
            {
                await client.SendAsync(line[offset..Math.Min(line.Length, offset + 65_521)]);
            }

            var reply = await client.ReadLineAsync();
            Assert.StartsWith("d BAD ", reply, StringComparison.Ordinal);
        }

        var untagged = new List<string>();
        Assert.Equal("n OK SEARCH completed", await TaggedAsync(client, "n " + command + "NOT NOT (ALL)", untagged));
        Assert.Single(untagged);
    }
}
