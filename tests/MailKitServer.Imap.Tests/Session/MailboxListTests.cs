using MailKitServer.TestSupport;
using static MailKitServer.Imap.Tests.Session.ImapTestClient;

namespace MailKitServer.Imap.Tests.Session;

/// <summary>LIST, LIST-EXTENDED (RFC 5258) and LSUB over the wire: what imaptest's list, listext and subscribe groups check.</summary>
public sealed class MailboxListTests
{
    private static async Task<LineClient> TreeAsync(TestMailServer server)
    {
        var client = await LoginAsync(server);

        // RFC 3501 §6.3.3: a trailing separator creates the name without it.
        foreach (var name in new[] { "box/", "box/test1", "box/test2/", "box/test2/test1", "box/test4/test5", "box/test6", "box/test8/test8", "box/test8/test9" })
        {
            // RFC 8474 §4.1: with OBJECTID the OK carries the new mailbox's MAILBOXID.
            Assert.Matches(@"^c OK \[MAILBOXID \([A-Za-z0-9_-]+\)\] CREATE completed$", await client.CommandAsync($"c CREATE {name}"));
        }

        foreach (var name in new[] { "box/test1", "box/test2/test1", "box/test6", "box/test8/test8", "box/test8/test9" })
        {
            await client.CommandAsync($"s SUBSCRIBE {name}");
        }

        await client.CommandAsync("d DELETE box/test6");
        return client;
    }

    [Fact]
    public async Task Percent_lists_one_level_and_trailing_separators_create_parents()
    {
        await using var server = await TestMailServer.StartAsync();
        await using var client = await TreeAsync(server);
        var untagged = new List<string>();
        await TaggedAsync(client, "l LIST \"\" box/%", untagged);
        Assert.Equal(
            ["* LIST (\\HasNoChildren) \"/\" \"box/test1\"", "* LIST (\\HasChildren) \"/\" \"box/test2\"", "* LIST (\\HasChildren) \"/\" \"box/test4\"", "* LIST (\\HasChildren) \"/\" \"box/test8\""],
            untagged);
        untagged.Clear();
        await TaggedAsync(client, "m LIST \"\" (box/*2 box/test1)", untagged);
        Assert.Equal(["* LIST (\\HasNoChildren) \"/\" \"box/test1\"", "* LIST (\\HasChildren) \"/\" \"box/test2\""], untagged);
    }

    [Fact]
    public async Task Subscribed_names_of_deleted_mailboxes_are_nonexistent_and_recursivematch_gives_childinfo()
    {
        await using var server = await TestMailServer.StartAsync();
        await using var client = await TreeAsync(server);
        var untagged = new List<string>();
        await TaggedAsync(client, "l LIST (SUBSCRIBED) \"\" box/*", untagged);
        Assert.Contains("* LIST (\\NonExistent \\Subscribed) \"/\" \"box/test6\"", untagged);
        Assert.Contains("* LIST (\\HasNoChildren \\Subscribed) \"/\" \"box/test2/test1\"", untagged);
        Assert.Equal(5, untagged.Count);

        // RFC 5258 §3 (b): a parent that is not subscribed, with a subscribed child the pattern does not reach.
        untagged.Clear();
        await TaggedAsync(client, "r LIST (SUBSCRIBED RECURSIVEMATCH) \"\" box/test2% RETURN (CHILDREN)", untagged);
        Assert.Equal(["* LIST (\\HasChildren) \"/\" \"box/test2\" (\"CHILDINFO\" (\"SUBSCRIBED\"))"], untagged);
        untagged.Clear();
        await TaggedAsync(client, "t LIST (SUBSCRIBED RECURSIVEMATCH) \"\" box*test8", untagged);
        Assert.Equal(["* LIST (\\HasChildren) \"/\" \"box/test8\" (\"CHILDINFO\" (\"SUBSCRIBED\"))", "* LIST (\\HasNoChildren \\Subscribed) \"/\" \"box/test8/test8\""], untagged);
    }

    [Theory]
    [InlineData("LIST (imaptest) \"\" \"\"")]
    [InlineData("LIST (RECURSIVEMATCH) \"\" \"\"")]
    [InlineData("LIST (RECURSIVEMATCH REMOTE) \"\" \"\"")]
    [InlineData("LIST \"\" \"\" RETURN (imaptest)")]
    public async Task Invalid_option_combinations_are_refused_with_bad(string command)
    {
        await using var server = await TestMailServer.StartAsync();
        await using var client = await LoginAsync(server);
        Assert.StartsWith("b BAD ", await client.CommandAsync("b " + command), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lsub_shows_an_unsubscribed_parent_of_subscribed_names_as_noselect()
    {
        await using var server = await TestMailServer.StartAsync();
        await using var client = await TreeAsync(server);
        var untagged = new List<string>();
        await TaggedAsync(client, "l LSUB \"\" box/%", untagged);
        Assert.Equal(
            ["* LSUB () \"/\" \"box/test1\"", "* LSUB (\\Noselect) \"/\" \"box/test2\"", "* LSUB (\\Noselect) \"/\" \"box/test6\"", "* LSUB (\\Noselect) \"/\" \"box/test8\""],
            untagged);
    }

    [Fact]
    public async Task A_name_that_cannot_exist_is_no_mailbox_rather_than_a_syntax_error()
    {
        await using var server = await TestMailServer.StartAsync();
        await using var client = await LoginAsync(server);

        // Not valid modified UTF-7, and "[" unclosed: an atom all the same (RFC 9051 §9 ATOM-CHAR).
        Assert.Equal("s NO [NONEXISTENT] No such mailbox", await client.CommandAsync("s SELECT !#$&'+,-.0123456789:;<=>?@^_`|[}"));
        Assert.Equal("l OK LIST completed", await client.CommandAsync("l LIST \"\" !#$&'+,-.0123456789:;<=>?@^_`|[}%*"));
    }
}
