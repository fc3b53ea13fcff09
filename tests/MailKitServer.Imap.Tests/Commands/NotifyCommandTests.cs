using MailKitServer.Imap.Tests.Support;
using MailKitServer.TestSupport;
using static MailKitServer.Imap.Tests.Session.ImapTestClient;

namespace MailKitServer.Imap.Tests.Commands;

/// <summary>NOTIFY (RFC 5465) over the wire: initial STATUS, pushes between commands and during IDLE, name events.</summary>
public class NotifyCommandTests
{
    private static async Task<uint> UidValidityAsync(LineClient client, string mailbox) =>
        uint.Parse(Assert.Single(await UntaggedAsync(client, $"v STATUS {mailbox} (UIDVALIDITY)")).Split(' ')[^1].TrimEnd(')'), System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task Set_status_reports_each_watched_mailbox_with_the_items_its_events_need()
    {
        await using var server = await TestMailServer.StartAsync();
        await using var client = await LoginAsync(server);
        await UntaggedAsync(client, "c CREATE Other");
        await ImapAppend.AppendAsync(client, "Subject: one", "01-Mar-2024 10:00:00 +0000", mailbox: "Other");
        var validity = await UidValidityAsync(client, "Other");
        Assert.Contains(" NOTIFY ", Assert.Single(await UntaggedAsync(client, "k CAPABILITY")), StringComparison.Ordinal);

        // RFC 5465 §3.1: MessageNew needs MESSAGES, UIDNEXT and UIDVALIDITY; MessageExpunge MESSAGES; FlagChange
        // UIDVALIDITY and HIGHESTMODSEQ (CONDSTORE is supported).
        Assert.Equal([$"* STATUS \"Other\" (MESSAGES 1 UIDNEXT 2 UIDVALIDITY {validity})"], await UntaggedAsync(client, "a NOTIFY SET STATUS (mailboxes Other (MessageNew MessageExpunge))"));
        Assert.StartsWith($"* STATUS \"Other\" (UIDVALIDITY {validity} HIGHESTMODSEQ ", Assert.Single(await UntaggedAsync(client, "b NOTIFY SET STATUS (mailboxes (Other Nope) (FlagChange))")), StringComparison.Ordinal);
        Assert.Empty(await UntaggedAsync(client, "d NOTIFY SET (subtree Other (MessageNew MessageExpunge FlagChange))"));

        // The selected mailbox gets no STATUS: SELECTED decides what is sent about it.
        await UntaggedAsync(client, "s SELECT Other");
        Assert.Empty(await UntaggedAsync(client, "e NOTIFY SET STATUS (mailboxes Other (MessageNew MessageExpunge))"));
        Assert.Empty(await UntaggedAsync(client, "f NOTIFY NONE"));

        // Unsupported events are a NO with BADEVENT (§3.1); malformed requests a BAD.
        Assert.Equal("g NO [BADEVENT (MessageNew MessageExpunge FlagChange MailboxName SubscriptionChange)] Unsupported event AnnotationChange", await TaggedAsync(client, "g NOTIFY SET (selected (MessageNew MessageExpunge AnnotationChange))"));
        Assert.StartsWith("h BAD ", await TaggedAsync(client, "h NOTIFY SET (everything (MessageNew))"), StringComparison.Ordinal);
        Assert.StartsWith("i BAD ", await TaggedAsync(client, "i NOTIFY SET (selected (MessageNew (uid frobnicate) MessageExpunge))"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Other_mailboxes_events_are_pushed_without_a_command_and_during_idle()
    {
        await using var server = await TestMailServer.StartAsync();
        await using var client = await LoginAsync(server);
        await using var other = await LoginAsync(server);
        await UntaggedAsync(client, "c CREATE Lists");
        await UntaggedAsync(client, "s SELECT INBOX");
        Assert.Empty(await UntaggedAsync(client, "a NOTIFY SET (subtree Lists (MessageNew MessageExpunge FlagChange))"));

        // No command is in progress: the STATUS arrives on its own (RFC 5465 §3.1, §5.2).
        await ImapAppend.AppendAsync(other, "Subject: list mail", "01-Mar-2024 10:00:00 +0000", mailbox: "Lists");
        Assert.Equal("* STATUS \"Lists\" (MESSAGES 1 UIDNEXT 2)", await client.ReadLineAsync());

        // FlagChange without CONDSTORE enabled: UIDVALIDITY and UNSEEN (§5.1); after CONDSTORE, HIGHESTMODSEQ.
        var validity = await UidValidityAsync(client, "Lists");
        await UntaggedAsync(other, "o SELECT Lists");
        await UntaggedAsync(other, "p STORE 1 +FLAGS.SILENT (\\Seen)");
        Assert.Equal($"* STATUS \"Lists\" (UIDVALIDITY {validity} UNSEEN 0)", await client.ReadLineAsync());

        // During IDLE too (§4), with expunges.
        await client.SendAsync("i IDLE\r\n");
        Assert.StartsWith("+ ", await client.ReadLineAsync(), StringComparison.Ordinal);
        await UntaggedAsync(other, "q STORE 1 +FLAGS.SILENT (\\Deleted)");
        Assert.Equal($"* STATUS \"Lists\" (UIDVALIDITY {validity} UNSEEN 0)", await client.ReadLineAsync());
        await UntaggedAsync(other, "r EXPUNGE");
        Assert.Equal("* STATUS \"Lists\" (MESSAGES 0 UIDNEXT 2)", await client.ReadLineAsync());
        await client.SendAsync("DONE\r\n");
        Assert.Equal("i OK IDLE terminated", await client.ReadLineAsync());
    }

    [Fact]
    public async Task Selected_mailbox_events_are_pushed_with_the_fetch_attributes_asked_for()
    {
        await using var server = await TestMailServer.StartAsync();
        await using var client = await LoginAsync(server);
        await using var other = await LoginAsync(server);
        await UntaggedAsync(client, "s SELECT INBOX");
        Assert.Empty(await UntaggedAsync(client, "a NOTIFY SET (selected (MessageNew (UID BODY.PEEK[HEADER.FIELDS (SUBJECT)]) MessageExpunge FlagChange))"));

        // RFC 5465 §5.2: EXISTS, then the FETCH the client asked for.
        await ImapAppend.AppendAsync(other, "Subject: pushed", "01-Mar-2024 10:00:00 +0000");
        Assert.Equal("* 1 EXISTS", await client.ReadLineAsync());
        Assert.Equal("* 1 RECENT", await client.ReadLineAsync());
        Assert.Equal("* 1 FETCH (UID 1 BODY[HEADER.FIELDS (SUBJECT)] {19}", await client.ReadLineAsync());
        Assert.Equal("Subject: pushed", await client.ReadLineAsync());
        Assert.Equal(string.Empty, await client.ReadLineAsync());
        Assert.Equal(")", await client.ReadLineAsync());

        // §5.1 and §5.3: flag changes and expunges at once under SELECTED.
        await UntaggedAsync(other, "o SELECT INBOX");
        await UntaggedAsync(other, "p STORE 1 +FLAGS.SILENT (\\Flagged)");
        Assert.Equal("* 1 FETCH (UID 1 FLAGS (\\Recent \\Flagged))", await client.ReadLineAsync());
        await UntaggedAsync(other, "q STORE 1 +FLAGS.SILENT (\\Deleted)");
        Assert.Equal("* 1 FETCH (UID 1 FLAGS (\\Recent \\Flagged \\Deleted))", await client.ReadLineAsync());
        await UntaggedAsync(other, "r EXPUNGE");
        Assert.Equal("* 1 EXPUNGE", await client.ReadLineAsync());
    }

    [Fact]
    public async Task Selected_delayed_holds_expunges_until_a_command_allows_them()
    {
        await using var server = await TestMailServer.StartAsync();
        await using var client = await LoginAsync(server);
        await using var other = await LoginAsync(server);
        await ImapAppend.AppendAsync(client, "Subject: one", "01-Mar-2024 10:00:00 +0000");
        await ImapAppend.AppendAsync(client, "Subject: two", "01-Mar-2024 10:00:00 +0000");
        await UntaggedAsync(client, "s SELECT INBOX");
        Assert.Empty(await UntaggedAsync(client, "a NOTIFY SET (selected-delayed (MessageNew MessageExpunge FlagChange))"));
        await UntaggedAsync(other, "o SELECT INBOX");
        await UntaggedAsync(other, "p STORE 1 +FLAGS.SILENT (\\Deleted)");
        Assert.Equal("* 1 FETCH (UID 1 FLAGS (\\Recent \\Deleted))", await client.ReadLineAsync());
        await UntaggedAsync(other, "q EXPUNGE");
        await UntaggedAsync(other, "r STORE 1 +FLAGS.SILENT (\\Seen)");

        // The expunge waits (FETCH by number must stay valid); the later flag change of message 2 does not.
        Assert.Equal("* 2 FETCH (UID 2 FLAGS (\\Recent \\Seen))", await client.ReadLineAsync());
        Assert.Equal(["* 1 EXPUNGE"], await UntaggedAsync(client, "n NOOP"));
    }

    [Fact]
    public async Task Mailbox_names_and_subscriptions_changed_elsewhere_are_reported_with_list()
    {
        await using var server = await TestMailServer.StartAsync();
        await using var client = await LoginAsync(server);
        await using var other = await LoginAsync(server);
        Assert.Empty(await UntaggedAsync(client, "a NOTIFY SET (personal (MailboxName SubscriptionChange))"));

        // RFC 5465 §5.4, §5.5: LIST responses, \NonExistent for a name gone; not for the client's own changes (§5).
        await UntaggedAsync(other, "c CREATE Projects");
        Assert.Equal(["* LIST (\\HasNoChildren) \"/\" \"Projects\""], await UntaggedAsync(client, "b NOOP"));
        await UntaggedAsync(other, "d SUBSCRIBE Projects");
        Assert.Equal(["* LIST (\\HasNoChildren \\Subscribed) \"/\" \"Projects\""], await UntaggedAsync(client, "e NOOP"));
        await UntaggedAsync(other, "f UNSUBSCRIBE Projects");
        await UntaggedAsync(other, "g DELETE Projects");
        Assert.Equal(["* LIST (\\NonExistent) \"/\" \"Projects\""], await UntaggedAsync(client, "h NOOP"));
        Assert.Empty(await UntaggedAsync(client, "i CREATE Mine"));
        Assert.Empty(await UntaggedAsync(client, "j NOOP"));

        // A filter that does not cover the name reports nothing.
        Assert.Empty(await UntaggedAsync(client, "k NOTIFY SET (mailboxes Mine (MailboxName))"));
        await UntaggedAsync(other, "l CREATE Elsewhere");
        Assert.Empty(await UntaggedAsync(client, "m NOOP"));
        await UntaggedAsync(other, "n DELETE Mine");
        Assert.Equal(["* LIST (\\NonExistent) \"/\" \"Mine\""], await UntaggedAsync(client, "o NOOP"));
    }
}
