using MailKitServer.TestSupport;
using static MailKitServer.Imap.Tests.Session.ImapTestClient;

namespace MailKitServer.Imap.Tests.Session;

/// <summary>
/// The selected-mailbox model, one rule at a time, with two sessions on one mailbox (RFC 3501 §5.2, §7.4.1;
/// RFC 9051 §7.5; RFC 2180 §4.1). The randomized version is Concurrency/ConcurrentSessionsTests.
/// </summary>
public sealed class SelectedMailboxTests
{
    private static async Task<(LineClient A, LineClient B)> TwoSessionsAsync(TestMailServer server, int messages)
    {
        for (var i = 0; i < messages; i++)
        {
            await server.AppendAsync("alice@example.test", $"Subject: m{i}\r\n\r\nbody {i}\r\n");
        }

        var a = await LoginAsync(server);
        var b = await LoginAsync(server);
        await TaggedAsync(a, "s SELECT INBOX");
        await TaggedAsync(b, "s SELECT INBOX");
        return (a, b);
    }

    [Fact]
    public async Task A_message_expunged_elsewhere_keeps_its_number_and_is_fetched_from_what_the_session_knows()
    {
        await using var server = await TestMailServer.StartAsync();
        var (a, b) = await TwoSessionsAsync(server, 3);
        await using var _ = a;
        await using var __ = b;
        await TaggedAsync(b, "x STORE 2 +FLAGS.SILENT (\\Deleted)");
        await TaggedAsync(b, "y EXPUNGE");

        // Dovecot's answer (RFC 2180 §4.1): what the session knows (UID, FLAGS), NIL for the content that is gone.
        var untagged = new List<string>();
        Assert.Equal("f OK [EXPUNGEISSUED] Some messages were already expunged", await TaggedAsync(a, "f FETCH 2 (UID FLAGS BODY.PEEK[])", untagged));
        Assert.Equal(["* 2 FETCH (UID 2 FLAGS (\\Recent \\Deleted) BODY[] NIL)"], untagged);
        untagged.Clear();
        Assert.Equal("g OK FETCH completed", await TaggedAsync(a, "g FETCH 3 (UID)", untagged));
        Assert.Equal(["* 3 FETCH (UID 3)"], untagged);
        untagged.Clear();
        Assert.Equal("n OK NOOP completed", await TaggedAsync(a, "n NOOP", untagged));
        Assert.Equal(["* 2 EXPUNGE"], untagged);
    }

    [Fact]
    public async Task Logout_sends_nothing_after_bye()
    {
        await using var server = await TestMailServer.StartAsync();
        var (a, b) = await TwoSessionsAsync(server, 2);
        await using var _ = a;
        await using var __ = b;
        await TaggedAsync(b, "x STORE 1 +FLAGS (\\Flagged)");
        await TaggedAsync(b, "y STORE 2 +FLAGS.SILENT (\\Deleted)");
        await TaggedAsync(b, "z EXPUNGE");
        await a.SendAsync("l LOGOUT\r\n");
        Assert.StartsWith("* BYE", await a.ReadLineAsync(), StringComparison.Ordinal);
        Assert.Equal("l OK LOGOUT completed", await a.ReadLineAsync());
        Assert.Null(await a.ReadLineAsync());
    }

    [Fact]
    public async Task A_new_keyword_is_announced_in_flags_before_a_fetch_shows_it()
    {
        await using var server = await TestMailServer.StartAsync();
        var (a, b) = await TwoSessionsAsync(server, 1);
        await using var _ = a;
        await using var __ = b;
        await TaggedAsync(b, "x STORE 1 +FLAGS ($Project)");
        var untagged = new List<string>();
        await TaggedAsync(a, "n NOOP", untagged);
        Assert.Equal(
            [
                "* FLAGS (\\Seen \\Answered \\Flagged \\Deleted \\Draft $Project)",
                "* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Project \\*)] Flags permitted",
                "* 1 FETCH (UID 1 FLAGS (\\Recent $Project))",
            ],
            untagged);

        // The session's own STORE of a new keyword announces it too, before the FETCH that shows it.
        untagged.Clear();
        await TaggedAsync(a, "s STORE 1 +FLAGS (Other)", untagged);
        Assert.Equal(3, untagged.Count);
        Assert.StartsWith("* FLAGS (", untagged[0], StringComparison.Ordinal);
        Assert.Contains("Other", untagged[1], StringComparison.Ordinal);
        Assert.Equal("* 1 FETCH (FLAGS (\\Recent $Project Other))", untagged[2]);
    }

    [Fact]
    public async Task A_message_added_elsewhere_is_never_named_before_exists_announces_it()
    {
        await using var server = await TestMailServer.StartAsync();
        var (a, b) = await TwoSessionsAsync(server, 1);
        await using var _ = a;
        await using var __ = b;
        await b.SendAsync("x APPEND INBOX {20+}\r\nSubject: new\r\n\r\nnew\r\n");
        await b.ReadLineAsync();
        await TaggedAsync(b, "y STORE 2 +FLAGS (\\Flagged)");
        await TaggedAsync(b, "z STORE 1 +FLAGS (\\Answered)");

        // FETCH by sequence number: EXISTS may come with the tagged reply, but no "* 2 FETCH" before it.
        var untagged = new List<string>();
        Assert.Equal("f OK FETCH completed", await TaggedAsync(a, "f FETCH 1:* (FLAGS)", untagged));
        Assert.Equal(["* 1 FETCH (FLAGS (\\Recent \\Answered))", "* 2 EXISTS", "* 1 RECENT"], untagged);
        untagged.Clear();

        // Not \Recent here: B's session was told about it first.
        await TaggedAsync(a, "g FETCH 2 (UID FLAGS)", untagged);
        Assert.Equal(["* 2 FETCH (UID 2 FLAGS (\\Flagged))"], untagged);
    }

    [Fact]
    public async Task A_late_notice_of_an_older_change_never_sends_flags_back()
    {
        await using var server = await TestMailServer.StartAsync();
        var (a, b) = await TwoSessionsAsync(server, 1);
        await using var _ = a;
        await using var __ = b;
        await TaggedAsync(b, "x STORE 1 +FLAGS (\\Answered)");
        var untagged = new List<string>();

        // A's STORE answers with the flags as they are now, B's change included; the notice of B's change that
        // is still queued for A carries older flags and must not be sent after it.
        await TaggedAsync(a, "s STORE 1 +FLAGS (\\Seen)", untagged);
        await TaggedAsync(a, "n NOOP", untagged);
        Assert.Equal(["* 1 FETCH (FLAGS (\\Recent \\Seen \\Answered))"], untagged);
    }

    [Fact]
    public async Task Expunges_wait_for_fetch_store_and_search_by_number_but_not_for_their_uid_forms()
    {
        await using var server = await TestMailServer.StartAsync();
        var (a, b) = await TwoSessionsAsync(server, 3);
        await using var _ = a;
        await using var __ = b;
        await TaggedAsync(b, "x STORE 1 +FLAGS.SILENT (\\Deleted)");
        await TaggedAsync(b, "y EXPUNGE");
        foreach (var command in new[] { "f FETCH 3 (UID)", "s STORE 3 +FLAGS.SILENT (\\Seen)", "r SEARCH ALL" })
        {
            var held = new List<string>();
            await TaggedAsync(a, command, held);
            Assert.DoesNotContain(held, l => l.EndsWith("EXPUNGE", StringComparison.Ordinal));
        }

        var untagged = new List<string>();
        await TaggedAsync(a, "u UID SEARCH ALL", untagged);
        Assert.Equal(["* SEARCH 1 2 3", "* 1 EXPUNGE"], untagged);
    }
}
