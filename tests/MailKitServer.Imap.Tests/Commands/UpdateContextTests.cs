using MailKitServer.Imap.Tests.Support;
using MailKitServer.TestSupport;
using static MailKitServer.Imap.Tests.Session.ImapTestClient;

namespace MailKitServer.Imap.Tests.Commands;

/// <summary>RETURN (UPDATE) contexts of SEARCH and SORT (RFC 5267 §4.3, CONTEXT=SEARCH and CONTEXT=SORT) and CANCELUPDATE.</summary>
public class UpdateContextTests
{
    private static async Task<LineClient> SelectedAsync(TestMailServer server)
    {
        var client = await LoginAsync(server);
        await TaggedAsync(client, "s SELECT INBOX");
        return client;
    }

    [Fact]
    public async Task A_search_context_follows_flag_changes_expunges_and_new_messages()
    {
        await using var server = await TestMailServer.StartAsync();
        await using var client = await LoginAsync(server);
        await SortCommandTests.SeedAsync(client);
        await TaggedAsync(client, "s SELECT INBOX");
        Assert.Contains(" CONTEXT=SEARCH CONTEXT=SORT ", Assert.Single(await UntaggedAsync(client, "c CAPABILITY")), StringComparison.Ordinal);

        Assert.Equal(["* ESEARCH (TAG \"u1\")"], await UntaggedAsync(client, "u1 SEARCH RETURN (UPDATE ALL) SEEN OR FROM carol FROM bob"));
        Assert.Equal(["* ESEARCH (TAG \"u1\") ADDTO (0 1,3)"], await UntaggedAsync(client, "a STORE 1:4 +FLAGS.SILENT (\\Seen)"));
        Assert.Equal(["* ESEARCH (TAG \"u1\") REMOVEFROM (0 1,3)"], await UntaggedAsync(client, "b STORE 1,3 -FLAGS.SILENT (\\Seen)"));
        Assert.Equal(["* ESEARCH (TAG \"u1\") ADDTO (0 1,3)"], await UntaggedAsync(client, "d STORE 1:3 +FLAGS.SILENT (\\Deleted \\Seen)"));

        // RFC 5267 §4.3.4: the REMOVEFROM comes while the numbers are still valid, before the EXPUNGEs.
        Assert.Equal(
            ["* ESEARCH (TAG \"u1\") REMOVEFROM (0 1,3)", "* 1 EXPUNGE", "* 1 EXPUNGE", "* 1 EXPUNGE"],
            await UntaggedAsync(client, "f EXPUNGE"));

        // RFC 5267 §4.3.3: an ADDTO for a new message comes after the EXISTS that numbers it.
        var appended = await UntaggedAsync(client, "g APPEND INBOX (\\Seen) {20+}\r\nFrom: bob@x.test\r\n\r\n");
        Assert.Equal(["* 2 EXISTS", "* ESEARCH (TAG \"u1\") ADDTO (0 2)"], appended.Where(l => !l.EndsWith(" RECENT", StringComparison.Ordinal)));

        // CANCELUPDATE stops them; the tag may then be used with UPDATE again.
        Assert.Empty(await UntaggedAsync(client, "h CANCELUPDATE \"u1\""));
        Assert.Empty(await UntaggedAsync(client, "i STORE 1,2 -FLAGS.SILENT (\\Seen)"));
        Assert.Equal(["* ESEARCH (TAG \"u1\") UID ALL 4:5"], await UntaggedAsync(client, "u1 UID SEARCH RETURN (UPDATE ALL) UNSEEN"));
        Assert.Equal(["* ESEARCH (TAG \"u1\") UID REMOVEFROM (0 5)"], await UntaggedAsync(client, "j STORE 2 +FLAGS.SILENT (\\Seen)"));
    }

    [Fact]
    public async Task A_sort_context_reports_positions_in_the_sort_order()
    {
        await using var server = await TestMailServer.StartAsync();
        await using var client = await LoginAsync(server);
        await SortCommandTests.SeedAsync(client);
        await TaggedAsync(client, "s SELECT INBOX");

        // Sizes order the mailbox 1 3 2 4 under REVERSE SIZE; the context holds the flagged ones in that order.
        Assert.Equal(["* ESEARCH (TAG \"c\")"], await UntaggedAsync(client, "c SORT RETURN (UPDATE) (REVERSE SIZE) UTF-8 FLAGGED"));
        Assert.Equal(["* ESEARCH (TAG \"c\") ADDTO (1 2)"], await UntaggedAsync(client, "a STORE 2 +FLAGS.SILENT (\\Flagged)"));
        Assert.Equal(["* ESEARCH (TAG \"c\") ADDTO (1 1)"], await UntaggedAsync(client, "b STORE 1 +FLAGS.SILENT (\\Flagged)"));
        Assert.Equal(["* ESEARCH (TAG \"c\") ADDTO (3 4)"], await UntaggedAsync(client, "d STORE 4 +FLAGS.SILENT (\\Flagged)"));
        Assert.Equal(["* ESEARCH (TAG \"c\") ADDTO (2 3)"], await UntaggedAsync(client, "e STORE 3 +FLAGS.SILENT (\\Flagged)"));

        // Each pair is applied in turn: 2 goes from position 3 of 1 3 2 4, then 3 from position 2 of 1 3 4.
        Assert.Equal(["* ESEARCH (TAG \"c\") REMOVEFROM (3 2 2 3)"], await UntaggedAsync(client, "f STORE 2,3 -FLAGS.SILENT (\\Flagged)"));

        // Another session's changes arrive with the next command: a big new message goes first, an expunged one goes.
        await using var other = await SelectedAsync(server);
        await ImapAppend.AppendAsync(other, "Subject: big", "01-Mar-2024 12:00:00 +0000", new string('x', 900));
        await UntaggedAsync(other, "o STORE 5 +FLAGS.SILENT (\\Flagged)");
        var lines = await UntaggedAsync(client, "g NOOP");
        Assert.Equal(["* 5 EXISTS", "* ESEARCH (TAG \"c\") ADDTO (1 5)"], lines.Where(l => !l.EndsWith(" RECENT", StringComparison.Ordinal)));
        await UntaggedAsync(other, "p STORE 1 +FLAGS.SILENT (\\Deleted)");
        await UntaggedAsync(other, "q EXPUNGE");
        Assert.Equal(["* ESEARCH (TAG \"c\") REMOVEFROM (2 1)", "* 1 EXPUNGE"], await UntaggedAsync(client, "h NOOP"));

        // A UID SORT context over the same messages names UIDs.
        Assert.Equal(["* ESEARCH (TAG \"k\") UID ALL 5,4"], await UntaggedAsync(client, "k UID SORT RETURN (UPDATE ALL) (REVERSE SIZE) UTF-8 FLAGGED"));
        Assert.Equal(["* ESEARCH (TAG \"c\") ADDTO (2 1)", "* ESEARCH (TAG \"k\") UID ADDTO (2 2)"], await UntaggedAsync(client, "l UID STORE 2 +FLAGS.SILENT (\\Flagged)"));
    }

    [Fact]
    public async Task Updates_are_pushed_during_idle()
    {
        await using var server = await TestMailServer.StartAsync();
        await using var client = await LoginAsync(server);
        await SortCommandTests.SeedAsync(client);
        await TaggedAsync(client, "s SELECT INBOX");
        await UntaggedAsync(client, "u SEARCH RETURN (UPDATE) FLAGGED");
        await client.SendAsync("i IDLE\r\n");
        Assert.StartsWith("+ ", await client.ReadLineAsync(), StringComparison.Ordinal);

        await using var other = await SelectedAsync(server);
        await UntaggedAsync(other, "o STORE 2 +FLAGS.SILENT (\\Flagged)");
        Assert.Equal("* ESEARCH (TAG \"u\") ADDTO (0 2)", await client.ReadLineAsync());
        Assert.Equal("* 2 FETCH (UID 2 FLAGS (\\Recent \\Flagged))", await client.ReadLineAsync());
        await client.SendAsync("DONE\r\n");
        Assert.Equal("i OK IDLE terminated", await client.ReadLineAsync());
    }

    [Fact]
    public async Task A_tag_in_use_is_refused_and_contexts_end_with_the_selection()
    {
        await using var server = await TestMailServer.StartAsync();
        await using var client = await LoginAsync(server);
        await SortCommandTests.SeedAsync(client);
        await TaggedAsync(client, "s SELECT INBOX");
        await UntaggedAsync(client, "u SEARCH RETURN (UPDATE) DELETED");

        // RFC 5267 §4.3: UPDATE with the tag of an active context is a BAD; without UPDATE the tag is fine.
        Assert.StartsWith("u BAD ", await TaggedAsync(client, "u SEARCH RETURN (UPDATE) ALL"), StringComparison.Ordinal);
        Assert.StartsWith("u BAD ", await TaggedAsync(client, "u SORT RETURN (UPDATE) (SIZE) UTF-8 ALL"), StringComparison.Ordinal);
        Assert.Equal(["* ESEARCH (TAG \"u\") COUNT 4"], await UntaggedAsync(client, "u SEARCH RETURN (COUNT) ALL"));

        // CANCELUPDATE takes quoted tags only; an unknown one is nothing to stop.
        Assert.StartsWith("x BAD ", await TaggedAsync(client, "x CANCELUPDATE"), StringComparison.Ordinal);
        Assert.StartsWith("x BAD ", await TaggedAsync(client, "x CANCELUPDATE u"), StringComparison.Ordinal);
        Assert.Equal("x OK CANCELUPDATE completed", await TaggedAsync(client, "x CANCELUPDATE \"nope\""));

        // A new selection has no contexts.
        await TaggedAsync(client, "t SELECT INBOX");
        Assert.Empty(await UntaggedAsync(client, "y STORE 1 +FLAGS.SILENT (\\Deleted)"));
        await TaggedAsync(client, "w UNSELECT");
        Assert.Equal("z BAD Command not valid in this state", await TaggedAsync(client, "z CANCELUPDATE \"u\""));
    }
}
