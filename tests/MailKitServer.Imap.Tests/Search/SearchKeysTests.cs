using MailKitServer.TestSupport;
using static MailKitServer.Imap.Tests.Session.ImapTestClient;

namespace MailKitServer.Imap.Tests.Search;

/// <summary>SEARCH keys over the wire: what imaptest's search-sets and search-addresses groups check.</summary>
public sealed class SearchKeysTests
{
    [Fact]
    public async Task An_explicit_4294967295_is_a_number_not_the_star()
    {
        await using var server = await TestMailServer.StartAsync();
        for (var i = 0; i < 3; i++)
        {
            await server.AppendAsync("alice@example.test", $"Subject: {i}\r\n\r\nx\r\n");
        }

        await using var client = await LoginAsync(server);
        await TaggedAsync(client, "s SELECT INBOX");
        var untagged = new List<string>();
        await TaggedAsync(client, "a UID SEARCH UID 7:4294967295", untagged);
        Assert.Equal(["* SEARCH"], untagged);
        untagged.Clear();

        // "*" is the largest UID in use: 7:* always holds the last message (RFC 9051 §9).
        await TaggedAsync(client, "b UID SEARCH UID 7:*", untagged);
        Assert.Equal(["* SEARCH 3"], untagged);
        Assert.StartsWith("c BAD", await client.CommandAsync("c UID SEARCH UID 4294967296"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("FROM user-from@domain.org", "1 2 3 4")]
    [InlineData("FROM realfrom", "2 4")]
    [InlineData("FROM ser-fro", "1 2 3 4")]
    [InlineData("TO groupname", "5")]
    [InlineData("TO groupuser2", "5")]
    public async Task Address_keys_match_names_and_addresses_with_comments_and_folding_gone(string key, string expected)
    {
        await using var server = await TestMailServer.StartAsync();
        foreach (var from in new[]
        {
            "From: user-from@domain.org",
            "From: RealFrom <user-from@domain.org>",
            "From: <user-from (comment)@ (comment) domain.org>",
            "From: user-from@domain.org (RealFrom)",
            "From: x@y.test\r\nTo: groupname: groupuser1@domain.org,\r\n  groupuser2@domain.org;",
        })
        {
            await server.AppendAsync("alice@example.test", from + "\r\n\r\nbody\r\n");
        }

        await using var client = await LoginAsync(server);
        await TaggedAsync(client, "s SELECT INBOX");
        var untagged = new List<string>();
        await TaggedAsync(client, "a SEARCH " + key, untagged);
        Assert.Equal(["* SEARCH " + expected], untagged);
    }
}
