using MailKitServer.Imap.Tests.Support;
using MailKitServer.TestSupport;
using static MailKitServer.Imap.Tests.Session.ImapTestClient;

namespace MailKitServer.Imap.Tests.Acl;

/// <summary>ACL (RFC 4314), LIST-MYRIGHTS (RFC 8440) and the shared namespaces (RFC 2342) over the wire.</summary>
public class AclCommandTests
{
    private const string Alice = "alice@example.test";
    private const string Bob = "bob@example.test";
    private const string Shared = "\"Other Users/alice@example.test/";

    private static Task<LineClient> BobAsync(TestMailServer server) => LoginAsync(server, Bob, "bob-pw");

    [Fact]
    public async Task Capabilities_namespace_and_the_commands_own_answers()
    {
        await using var server = await TestMailServer.StartAsync();
        await using var alice = await LoginAsync(server);
        var capability = Assert.Single(await UntaggedAsync(alice, "k CAPABILITY"));
        Assert.Contains(" ACL RIGHTS=texk LIST-MYRIGHTS", capability, StringComparison.Ordinal);
        Assert.Equal(["* NAMESPACE ((\"\" \"/\")) ((\"Other Users/\" \"/\")) ((\"Shared/\" \"/\"))"], await UntaggedAsync(alice, "n NAMESPACE"));

        // RFC 4314 §2.1.1: "d" is "xte" here, "c" is "k"; both come back whenever a member is set.
        await UntaggedAsync(alice, "c CREATE Projects");
        await UntaggedAsync(alice, $"s1 SETACL Projects {Bob} lrd");
        await UntaggedAsync(alice, "s2 SETACL Projects $team@example.test +lk");
        await UntaggedAsync(alice, "s3 SETACL Projects -anyone w");
        await UntaggedAsync(alice, "s4 SETACL Projects $team@example.test -l");
        Assert.Equal(
            [$"* ACL \"Projects\" \"{Alice}\" lrswipkxteacd \"{Bob}\" \"lrxted\" \"$team@example.test\" \"kc\" \"-anyone\" \"w\""],
            await UntaggedAsync(alice, "g GETACL Projects"));
        await UntaggedAsync(alice, "d DELETEACL Projects -anyone");
        Assert.Equal([$"* ACL \"Projects\" \"{Alice}\" lrswipkxteacd \"{Bob}\" \"lrxted\" \"$team@example.test\" \"kc\""], await UntaggedAsync(alice, "g2 GETACL Projects"));
        Assert.Equal([$"* LISTRIGHTS \"Projects\" \"{Bob}\" \"\" l r s w i p k x t e a c d"], await UntaggedAsync(alice, $"l LISTRIGHTS Projects {Bob}"));
        Assert.Equal([$"* LISTRIGHTS \"Projects\" \"{Alice.ToUpperInvariant()}\" lrswipkxteacd"], await UntaggedAsync(alice, $"l2 LISTRIGHTS Projects {Alice.ToUpperInvariant()}"));
        Assert.Equal(["* MYRIGHTS \"INBOX\" \"lrswipkxteacd\""], await UntaggedAsync(alice, "m MYRIGHTS INBOX"));

        // RFC 4314 §3.1: an unknown or upper-case right is a BAD, never ignored; so is an empty identifier (§3).
        Assert.StartsWith("b1 BAD ", await TaggedAsync(alice, $"b1 SETACL Projects {Bob} lrQ"), StringComparison.Ordinal);
        Assert.StartsWith("b2 BAD ", await TaggedAsync(alice, $"b2 SETACL Projects {Bob} +z"), StringComparison.Ordinal);
        Assert.StartsWith("b3 BAD ", await TaggedAsync(alice, "b3 SETACL Projects \"\" lr"), StringComparison.Ordinal);
        Assert.StartsWith("b4 BAD ", await TaggedAsync(alice, "b4 SETACL Projects \"a b\" lr"), StringComparison.Ordinal);
        Assert.StartsWith("b5 BAD ", await TaggedAsync(alice, "b5 GETACL"), StringComparison.Ordinal);
        Assert.Equal("n1 NO [NONEXISTENT] No such mailbox", await TaggedAsync(alice, $"n1 SETACL Nope {Bob} lr"));
        Assert.Equal("n2 NO [NONEXISTENT] No such mailbox", await TaggedAsync(alice, "n2 MYRIGHTS Nope"));
    }

    [Fact]
    public async Task A_mailbox_the_user_may_not_see_answers_as_one_that_does_not_exist()
    {
        await using var server = await TestMailServer.StartAsync();
        await using var alice = await LoginAsync(server);
        await UntaggedAsync(alice, "c1 CREATE Secret");
        await UntaggedAsync(alice, "c2 CREATE Visible");
        await UntaggedAsync(alice, $"s SETACL Visible {Bob} l");
        await UntaggedAsync(alice, "s2 SETACL Secret anyone p");
        await using var bob = await BobAsync(server);

        foreach (var name in new[] { "Secret", "Nope" })
        {
            Assert.Equal("a NO [NONEXISTENT] No such mailbox", await TaggedAsync(bob, $"a STATUS {Shared}{name}\" (MESSAGES)"));
            Assert.Equal("b NO [NONEXISTENT] No such mailbox", await TaggedAsync(bob, $"b SELECT {Shared}{name}\""));
            Assert.Equal("c NO [NONEXISTENT] No such mailbox", await TaggedAsync(bob, $"c DELETE {Shared}{name}\""));
            Assert.Equal("d NO [NONEXISTENT] No such mailbox", await TaggedAsync(bob, $"d GETACL {Shared}{name}\""));
            Assert.Equal("e NO [NONEXISTENT] No such mailbox", await TaggedAsync(bob, $"e MYRIGHTS {Shared}{name}\""));
            Assert.Equal("f NO [NONEXISTENT] No such mailbox", await TaggedAsync(bob, $"f EXAMINE {Shared}{name}\""));
        }

        // A mailbox bob may look up but not read: he learns it exists, and that he may not.
        Assert.Equal("g NO [NOPERM] Permission denied", await TaggedAsync(bob, $"g SELECT {Shared}Visible\""));
        Assert.Equal("h NO [NOPERM] Permission denied", await TaggedAsync(bob, $"h STATUS {Shared}Visible\" (MESSAGES)"));
        Assert.Equal("i NO [NOPERM] Permission denied", await TaggedAsync(bob, $"i GETACL {Shared}Visible\""));
        Assert.Equal("j NO [NOPERM] Permission denied", await TaggedAsync(bob, $"j DELETE {Shared}Visible\""));
        Assert.Equal([$"* MYRIGHTS {Shared}Visible\" \"l\""], await UntaggedAsync(bob, $"k MYRIGHTS {Shared}Visible\""));

        // LIST shows only what "l" allows, with the levels above it \Noselect; MYRIGHTS on request (RFC 8440).
        Assert.Equal(
        [
            "* LIST (\\Noselect \\HasChildren) \"/\" \"Other Users\"",
            "* LIST (\\Noselect \\HasChildren) \"/\" \"Other Users/alice@example.test\"",
            $"* LIST (\\HasNoChildren) \"/\" {Shared}Visible\"",
            $"* MYRIGHTS {Shared}Visible\" \"l\"",
        ], await UntaggedAsync(bob, "l LIST \"\" \"Other Users*\" RETURN (MYRIGHTS)"));
        Assert.Contains("* MYRIGHTS \"INBOX\" \"lrswipkxteacd\"", await UntaggedAsync(bob, "l2 LIST \"\" % RETURN (MYRIGHTS)"));
    }

    [Fact]
    public async Task Store_changes_only_the_flags_the_rights_cover_and_expunge_needs_e()
    {
        await using var server = await TestMailServer.StartAsync();
        await using var alice = await LoginAsync(server);
        await UntaggedAsync(alice, "c CREATE Projects");
        await ImapAppend.AppendAsync(alice, "Subject: one", "01-Mar-2024 10:00:00 +0000", mailbox: "Projects");
        await UntaggedAsync(alice, $"s SETACL Projects {Bob} lrw");
        await using var bob = await BobAsync(server);

        var select = new List<string>();
        Assert.Equal("a OK [READ-WRITE] SELECT completed", await TaggedAsync(bob, $"a SELECT {Shared}Projects\"", select));
        Assert.Contains("* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Draft \\*)] Flags permitted", select);

        // RFC 4314 §4: only \Deleted asked for, which needs "t": NOPERM; with \Flagged too, \Flagged alone is set.
        Assert.Equal("b NO [NOPERM] Permission denied", await TaggedAsync(bob, "b STORE 1 +FLAGS (\\Deleted)"));
        Assert.Equal(["* 1 FETCH (FLAGS (\\Recent \\Flagged))"], await UntaggedAsync(bob, "c STORE 1 +FLAGS (\\Deleted \\Flagged)"));

        // A replace touches only what the rights cover: \Flagged goes, \Answered comes, \Seen (no "s") stays unset.
        Assert.Equal("* 1 FETCH (FLAGS (\\Recent \\Answered))", (await UntaggedAsync(bob, "d STORE 1 FLAGS (\\Answered \\Seen)"))[^1]);

        // FETCH BODY[] sets \Seen only with "s"; EXPUNGE needs "e"; CLOSE without "e" closes and expunges nothing.
        Assert.DoesNotContain("\\Seen", string.Join(' ', await UntaggedAsync(bob, "e FETCH 1 (BODY[] FLAGS)")), StringComparison.Ordinal);
        Assert.Equal("f NO [NOPERM] Permission denied", await TaggedAsync(bob, "f EXPUNGE"));
        await UntaggedAsync(alice, "g0 SELECT Projects");
        await UntaggedAsync(alice, "g STORE 1 +FLAGS (\\Deleted)");
        await UntaggedAsync(bob, "h CLOSE");
        Assert.Equal(["* STATUS \"Projects\" (MESSAGES 1)"], await UntaggedAsync(alice, "i STATUS Projects (MESSAGES)"));

        // Without "i", "e" or a flag right the mailbox is read-only (RFC 4314 §5.2).
        await UntaggedAsync(alice, $"j SETACL Projects {Bob} lr");
        Assert.Equal("k OK [READ-ONLY] SELECT completed", await TaggedAsync(bob, $"k SELECT {Shared}Projects\""));
    }

    [Fact]
    public async Task Append_copy_and_move_need_i_on_the_target_and_keep_only_the_flags_it_allows()
    {
        await using var server = await TestMailServer.StartAsync();
        await using var alice = await LoginAsync(server);
        await UntaggedAsync(alice, "c CREATE Drop");
        await UntaggedAsync(alice, $"s SETACL Drop {Bob} lri");
        await using var bob = await BobAsync(server);
        await ImapAppend.AppendAsync(bob, "Subject: mine", "01-Mar-2024 10:00:00 +0000");
        await UntaggedAsync(bob, "a SELECT INBOX");
        await UntaggedAsync(bob, "f STORE 1 +FLAGS (\\Flagged \\Seen)");

        // Into another user's tree: copied by content, without the flags "i" alone does not allow.
        Assert.StartsWith("b OK [COPYUID ", await TaggedAsync(bob, $"b COPY 1 {Shared}Drop\""), StringComparison.Ordinal);
        await UntaggedAsync(alice, "x SELECT Drop");
        var copied = await UntaggedAsync(alice, "y FETCH 1 (FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])");
        Assert.StartsWith("* 1 FETCH (FLAGS (\\Recent) BODY", copied[0], StringComparison.Ordinal);
        Assert.Contains("Subject: mine", copied);
        Assert.StartsWith("d OK [APPENDUID ", await TaggedAsync(bob, $"d APPEND {Shared}Drop\" (\\Flagged) {{14}}\r\nSubject: two\r\n"), StringComparison.Ordinal);

        // MOVE out of a shared mailbox needs "t" and "e" there; without "i" on a target it is refused.
        await UntaggedAsync(bob, $"g SELECT {Shared}Drop\"");
        Assert.Equal("h NO [NOPERM] Permission denied", await TaggedAsync(bob, "h MOVE 1 INBOX"));
        await UntaggedAsync(alice, $"i SETACL Drop {Bob} lrite");
        await UntaggedAsync(bob, $"j SELECT {Shared}Drop\"");
        Assert.Contains("* 1 EXPUNGE", await UntaggedAsync(bob, "k MOVE 1 INBOX"));
        Assert.Equal(["* STATUS \"INBOX\" (MESSAGES 2)"], await UntaggedAsync(bob, "l STATUS INBOX (MESSAGES)"));
        await UntaggedAsync(alice, "m CREATE Closed");
        await UntaggedAsync(alice, $"n SETACL Closed {Bob} lr");
        Assert.Equal("o NO [NOPERM] Permission denied", await TaggedAsync(bob, $"o COPY 1 {Shared}Closed\""));
        Assert.Equal("p NO [NOPERM] Permission denied", await TaggedAsync(bob, $"p APPEND {Shared}Closed\" {{14}}\r\nSubject: two\r\n"));
    }

    [Fact]
    public async Task Create_needs_k_on_the_parent_and_a_new_mailbox_inherits_its_list()
    {
        await using var server = await TestMailServer.StartAsync();
        await using var alice = await LoginAsync(server);
        await UntaggedAsync(alice, "c CREATE Team");
        await UntaggedAsync(alice, $"s SETACL Team {Bob} lrk");
        await using var bob = await BobAsync(server);
        await UntaggedAsync(bob, $"a CREATE {Shared}Team/Notes\"");
        Assert.Equal("b NO [NOPERM] Permission denied", await TaggedAsync(bob, "b CREATE \"Other Users/alice@example.test/Top\""));
        Assert.Equal("d NO [NOPERM] Permission denied", await TaggedAsync(bob, $"d DELETE {Shared}Team/Notes\""));
        Assert.Equal("e NO [NOPERM] Permission denied", await TaggedAsync(bob, "e CREATE \"Other Users\""));
        Assert.Equal([$"* ACL \"Team/Notes\" \"{Alice}\" lrswipkxteacd \"{Bob}\" \"lrkc\""], await UntaggedAsync(alice, "f GETACL Team/Notes"));
    }

    [Fact]
    public async Task The_public_tree_is_made_by_its_administrators_and_read_by_whom_its_list_names()
    {
        await using var server = await TestMailServer.StartAsync(imap: o => o.PublicFolderAdministrators.Add(Alice));
        await using var alice = await LoginAsync(server);
        await using var bob = await BobAsync(server);
        Assert.Equal("a NO [NOPERM] Permission denied", await TaggedAsync(bob, "a CREATE Shared/News"));
        await UntaggedAsync(alice, "b CREATE Shared/News");
        await ImapAppend.AppendAsync(alice, "Subject: hello all", "01-Mar-2024 10:00:00 +0000", mailbox: "Shared/News");
        Assert.Equal("c NO [NONEXISTENT] No such mailbox", await TaggedAsync(bob, "c EXAMINE Shared/News"));
        await UntaggedAsync(alice, "d SETACL Shared/News anyone lr");
        Assert.Equal(["* ACL \"Shared/News\" \"anyone\" \"lr\""], await UntaggedAsync(alice, "e GETACL Shared/News"));
        Assert.Contains("* LIST (\\HasNoChildren) \"/\" \"Shared/News\"", await UntaggedAsync(bob, "f LIST \"\" Shared/*"));
        Assert.Contains("* 1 EXISTS", await UntaggedAsync(bob, "g EXAMINE Shared/News"));
        Assert.Equal("h NO [NONEXISTENT] No such mailbox", await TaggedAsync(alice, "h SELECT Shared/INBOX"));
    }

    [Fact]
    public async Task Setacl_split_at_every_byte_boundary_is_read_as_one_command()
    {
        await using var server = await TestMailServer.StartAsync();
        await using var alice = await LoginAsync(server);
        await UntaggedAsync(alice, "c CREATE Projects");
        var command = System.Text.Encoding.ASCII.GetBytes($"s SETACL \"Projects\" {{{Bob.Length}}}\r\n{Bob} +lr\r\n");
        for (var split = 1; split < command.Length; split++)
        {
            await alice.SendAsync(command[..split]);
            await alice.SendAsync(command[split..]);
            string? line;
            do
            {
                line = await alice.ReadLineAsync();
            }
            while (line!.StartsWith('+'));
            Assert.Equal("s OK SETACL completed", line);
        }

        Assert.Equal([$"* ACL \"Projects\" \"{Alice}\" lrswipkxteacd \"{Bob}\" \"lr\""], await UntaggedAsync(alice, "g GETACL Projects"));
    }
}
