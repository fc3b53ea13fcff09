using System.Text.RegularExpressions;
using MailKitServer.TestSupport;
using static MailKitServer.Imap.Tests.Session.ImapTestClient;

namespace MailKitServer.Imap.Tests.Session;

/// <summary>CONDSTORE and QRESYNC (RFC 7162) over the wire, on the in-memory store.</summary>
public sealed partial class CondStoreTests
{
    private static async Task<LineClient> SelectedAsync(TestMailServer server, int messages, string select = "s SELECT INBOX")
    {
        for (var i = 0; i < messages; i++)
        {
            await server.AppendAsync("alice@example.test", $"Subject: m{i}\r\n\r\nbody {i}\r\n");
        }

        var client = await LoginAsync(server);
        await TaggedAsync(client, select);
        return client;
    }

    private static ulong ModSeqOf(string line) => ulong.Parse(ModSeqPattern().Match(line).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task A_fetch_of_modseq_enables_condstore_and_reports_highestmodseq_once()
    {
        await using var server = await TestMailServer.StartAsync();
        await using var client = await SelectedAsync(server, 2);
        var untagged = new List<string>();
        await TaggedAsync(client, "f FETCH 1:2 (MODSEQ)", untagged);
        Assert.Matches(@"^\* OK \[HIGHESTMODSEQ \d+\]", untagged[0]);
        Assert.Matches(@"^\* 1 FETCH \(MODSEQ \(\d+\)\)$", untagged[1]);
        untagged.Clear();

        // From now on every FETCH about flags carries UID and MODSEQ (RFC 7162 §3.1, §3.2.4).
        await TaggedAsync(client, "s STORE 1 +FLAGS (\\Seen)", untagged);
        Assert.Matches(@"^\* 1 FETCH \(UID 1 FLAGS \(\\Recent \\Seen\) MODSEQ \(\d+\)\)$", Assert.Single(untagged));
    }

    [Fact]
    public async Task Store_unchangedsince_stores_only_unchanged_messages_and_names_the_others_in_modified()
    {
        await using var server = await TestMailServer.StartAsync();
        await using var client = await SelectedAsync(server, 3, "s SELECT INBOX (CONDSTORE)");
        var untagged = new List<string>();
        await TaggedAsync(client, "f FETCH 1:3 (MODSEQ)", untagged);
        var before = untagged.Max(ModSeqOf);
        await TaggedAsync(client, "x STORE 2 +FLAGS.SILENT (\\Flagged)");
        untagged.Clear();

        // Message 2 changed after "before": it fails the test; 1 and 3 are stored, with FETCH even for .SILENT.
        var tagged = await TaggedAsync(client, $"u STORE 1:3 (UNCHANGEDSINCE {before}) +FLAGS.SILENT (\\Answered)", untagged);
        Assert.Equal("u OK [MODIFIED 2] Conditional STORE failed", tagged);
        Assert.Contains(untagged, l => l.StartsWith("* 1 FETCH (UID 1 FLAGS (\\Recent \\Answered) MODSEQ", StringComparison.Ordinal));
        Assert.Contains(untagged, l => l.StartsWith("* 3 FETCH (UID 3 FLAGS (\\Recent \\Answered) MODSEQ", StringComparison.Ordinal));
        Assert.Contains(untagged, l => l.StartsWith("* 2 FETCH (UID 2 FLAGS (\\Recent \\Flagged) MODSEQ", StringComparison.Ordinal));

        // UNCHANGEDSINCE 0 always fails (RFC 7162 §3.1.3 Example 8); UID STORE names UIDs.
        Assert.Equal("v OK [MODIFIED 3] Conditional STORE failed", await TaggedAsync(client, "v UID STORE 3 (UNCHANGEDSINCE 0) +FLAGS ($X)"));
    }

    [Fact]
    public async Task Fetch_changedsince_and_search_modseq_find_what_changed()
    {
        await using var server = await TestMailServer.StartAsync();
        await using var client = await SelectedAsync(server, 4, "s SELECT INBOX (CONDSTORE)");
        var untagged = new List<string>();
        await TaggedAsync(client, "f FETCH 4 (MODSEQ)", untagged);
        var since = ModSeqOf(untagged[0]);
        await TaggedAsync(client, "x STORE 2,4 +FLAGS.SILENT (\\Seen)");
        untagged.Clear();
        await TaggedAsync(client, $"c UID FETCH 1:* (FLAGS) (CHANGEDSINCE {since})", untagged);
        Assert.Equal(2, untagged.Count);
        Assert.StartsWith("* 2 FETCH (UID 2 FLAGS (\\Recent \\Seen) MODSEQ (", untagged[0], StringComparison.Ordinal);
        Assert.StartsWith("* 4 FETCH (UID 4 FLAGS (\\Recent \\Seen) MODSEQ (", untagged[1], StringComparison.Ordinal);
        var highest = ModSeqOf(untagged[1]);
        untagged.Clear();
        await TaggedAsync(client, $"m SEARCH MODSEQ \"/flags/\\\\seen\" all {since + 1}", untagged);
        Assert.Equal($"* SEARCH 2 4 (MODSEQ {highest})", Assert.Single(untagged));
        untagged.Clear();
        await TaggedAsync(client, "t STATUS INBOX (HIGHESTMODSEQ MESSAGES)", untagged);
        Assert.Equal($"* STATUS \"INBOX\" (HIGHESTMODSEQ {highest} MESSAGES 4)", Assert.Single(untagged));
    }

    [Fact]
    public async Task Qresync_select_reports_vanished_earlier_and_changed_flags_and_expunges_become_vanished()
    {
        await using var server = await TestMailServer.StartAsync();
        await using (var first = await SelectedAsync(server, 5, "s SELECT INBOX (CONDSTORE)"))
        {
            await TaggedAsync(first, "n NOOP");
        }

        // A client that knew UIDVALIDITY and the mailbox at some MODSEQ comes back after changes elsewhere.
        var (validity, known) = await StateAsync(server);
        await using (var other = await SelectedAsync(server, 0))
        {
            await TaggedAsync(other, "a STORE 2 +FLAGS.SILENT (\\Deleted)");
            await TaggedAsync(other, "b EXPUNGE");
            await TaggedAsync(other, "c UID STORE 3 +FLAGS.SILENT ($Work)");
        }

        await using var client = await LoginAsync(server);
        Assert.Equal("e BAD QRESYNC is not enabled", await TaggedAsync(client, $"e SELECT INBOX (QRESYNC ({validity} {known}))"));
        await TaggedAsync(client, "q ENABLE QRESYNC");
        var untagged = new List<string>();
        Assert.StartsWith("s OK [READ-WRITE]", await TaggedAsync(client, $"s SELECT INBOX (QRESYNC ({validity} {known} 1:5))", untagged), StringComparison.Ordinal);
        Assert.True(untagged.Exists(l => l.StartsWith("* OK [HIGHESTMODSEQ ", StringComparison.Ordinal)), string.Join("\n", untagged));
        Assert.Contains("* VANISHED (EARLIER) 2", untagged);
        Assert.True(untagged.Exists(l => l.StartsWith("* 2 FETCH (UID 3 FLAGS ($Work) MODSEQ (", StringComparison.Ordinal)), string.Join("\n", untagged));
        Assert.DoesNotContain(untagged, l => l.Contains("UID 1 ", StringComparison.Ordinal));

        // With QRESYNC on, expunges come as VANISHED, and the tagged OK carries the new HIGHESTMODSEQ.
        untagged.Clear();
        await TaggedAsync(client, "d STORE 1 +FLAGS.SILENT (\\Deleted)");
        var tagged = await TaggedAsync(client, "x EXPUNGE", untagged);
        Assert.Equal(["* VANISHED 1"], untagged);
        Assert.Matches(@"^x OK \[HIGHESTMODSEQ \d+\] EXPUNGE completed$", tagged);

        // UID FETCH ... (CHANGEDSINCE m VANISHED) reports the UIDs gone since m before the FETCH responses.
        untagged.Clear();
        await TaggedAsync(client, $"v UID FETCH 1:5 (FLAGS) (CHANGEDSINCE {known} VANISHED)", untagged);
        Assert.Equal("* VANISHED (EARLIER) 1:2", untagged[0]);
        Assert.Equal("w BAD VANISHED requires CHANGEDSINCE", await TaggedAsync(client, "w UID FETCH 1:5 (FLAGS) (VANISHED)"));
    }

    [Fact]
    public async Task Selecting_another_mailbox_reports_closed()
    {
        await using var server = await TestMailServer.StartAsync();
        await using var client = await SelectedAsync(server, 1);
        var untagged = new List<string>();
        await TaggedAsync(client, "e EXAMINE Archive", untagged);
        Assert.Equal("* OK [CLOSED] Previous mailbox closed", untagged[0]);
    }

    /// <summary>The INBOX's UIDVALIDITY and HIGHESTMODSEQ as a QRESYNC client would have cached them.</summary>
    private static async Task<(uint Validity, ulong ModSeq)> StateAsync(TestMailServer server)
    {
        await using var account = await server.Store.OpenAccountAsync("alice@example.test", default);
        var status = await account.GetStatusAsync("INBOX", default);
        return (status!.UidValidity, status.HighestModSeq);
    }

    [GeneratedRegex(@"MODSEQ \(?(\d+)")]
    private static partial Regex ModSeqPattern();
}
