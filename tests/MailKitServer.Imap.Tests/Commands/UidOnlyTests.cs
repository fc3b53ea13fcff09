using MailKitServer.Imap.Fetch;
using MailKitServer.Imap.Search;
using MailKitServer.TestSupport;
using static MailKitServer.Imap.Tests.Session.ImapTestClient;

namespace MailKitServer.Imap.Tests.Commands;

/// <summary>UIDONLY (RFC 9586): no message sequence numbers in either direction once enabled.</summary>
public sealed class UidOnlyTests
{
    [Fact]
    public async Task Commands_with_sequence_numbers_are_refused_with_uidrequired()
    {
        await using var server = await TestMailServer.StartAsync();
        for (var i = 1; i <= 3; i++)
        {
            await server.AppendAsync("alice@example.test", $"Subject: m{i}\r\n\r\nbody {i}\r\n");
        }

        await server.AppendAsync("alice@example.test", "Subject: other\r\n\r\nx\r\n", "Archive");
        await using var client = await LoginAsync(server);
        Assert.Contains(" UIDONLY", (await UntaggedAsync(client, "c CAPABILITY"))[0], StringComparison.Ordinal);
        Assert.Equal(["* ENABLED UIDONLY"], await UntaggedAsync(client, "e ENABLE UIDONLY"));
        Assert.Equal(["* ENABLED"], await UntaggedAsync(client, "e ENABLE UIDONLY"));

        // RFC 9586 §3: [UNSEEN n] would carry a sequence number; EXISTS stays.
        var select = await UntaggedAsync(client, "s SELECT INBOX");
        Assert.Contains("* 3 EXISTS", select);
        Assert.DoesNotContain(select, l => l.Contains("[UNSEEN", StringComparison.Ordinal));

        foreach (var command in new[]
        {
            "FETCH 1 FLAGS", "STORE 1 +FLAGS (\\Seen)", "SEARCH ALL", "COPY 1 Archive", "MOVE 1 Archive",
            "SORT (SUBJECT) UTF-8 ALL", "THREAD REFERENCES UTF-8 ALL", "REPLACE 1 INBOX {3+}\r\nx\r\n",
            "UID SEARCH 1:2", "UID SEARCH NOT 2", "UID SEARCH OR UID 1 3", "UID SORT (SUBJECT) UTF-8 1:*", "UID THREAD REFERENCES UTF-8 2",
        })
        {
            Assert.StartsWith("x BAD [UIDREQUIRED]", await TaggedAsync(client, "x " + command), StringComparison.Ordinal);
        }

        // Nothing was changed by the refused commands, and UID forms work.
        Assert.Equal(["* SEARCH 1 2 3"], await UntaggedAsync(client, "u UID SEARCH UID 1:*"));
        Assert.Equal(["* SEARCH 2 3"], await UntaggedAsync(client, "u UID SEARCH NOT UID 1"));
        Assert.Empty(await UntaggedAsync(client, "v UID SEARCH RETURN (SAVE) UID 2:3"));
        Assert.Equal(["* SEARCH 2 3"], await UntaggedAsync(client, "u UID SEARCH $"));
        Assert.Equal(["* SORT 3 2 1"], await UntaggedAsync(client, "u UID SORT (REVERSE SUBJECT) UTF-8 ALL"));
        Assert.Empty(await UntaggedAsync(client, "n NOOP"));
    }

    [Fact]
    public async Task Fetch_responses_become_uidfetch_and_expunges_vanished()
    {
        await using var server = await TestMailServer.StartAsync();
        for (var i = 1; i <= 4; i++)
        {
            await server.AppendAsync("alice@example.test", $"Subject: m{i}\r\n\r\nbody {i}\r\n");
        }

        await using var client = await LoginAsync(server);
        await UntaggedAsync(client, "e ENABLE UIDONLY IMAP4rev2");
        await UntaggedAsync(client, "s SELECT INBOX");

        // RFC 9586 §3: the number is the UID; UID itself only when asked for.
        Assert.Equal(["* 2 UIDFETCH (FLAGS ())", "* 3 UIDFETCH (FLAGS ())"], await UntaggedAsync(client, "f UID FETCH 2:3 FLAGS"));
        Assert.Equal(["* 4 UIDFETCH (UID 4 RFC822.SIZE 23)"], await UntaggedAsync(client, "f UID FETCH 4 (UID RFC822.SIZE)"));
        var body = await UntaggedAsync(client, "f UID FETCH 1 BODY.PEEK[TEXT]");
        Assert.Equal(["* 1 UIDFETCH (BODY[TEXT] {8}", "body 1", ")"], body);

        // A STORE's FETCH, and an implied \Seen.
        Assert.Equal(["* 2 UIDFETCH (FLAGS (\\Deleted))"], await UntaggedAsync(client, "t UID STORE 2 +FLAGS (\\Deleted)"));
        Assert.Equal(["* 3 UIDFETCH (BODY[TEXT] {8}", "body 3", " FLAGS (\\Seen))"], await UntaggedAsync(client, "f UID FETCH 3 BODY[TEXT]"));

        // RFC 9586 §3: EXPUNGE (untagged) is replaced by VANISHED, for EXPUNGE, UID EXPUNGE and MOVE alike.
        Assert.Equal(["* VANISHED 2"], await UntaggedAsync(client, "x EXPUNGE"));
        var moved = new List<string>();
        Assert.StartsWith("m OK", await TaggedAsync(client, "m UID MOVE 4 Archive", moved), StringComparison.Ordinal);
        Assert.Contains("* VANISHED 4", moved);
        Assert.DoesNotContain(moved, l => l.EndsWith(" EXPUNGE", StringComparison.Ordinal));

        // Another session's changes: EXISTS, UIDFETCH for flags, VANISHED for an expunge.
        await using var other = await LoginAsync(server);
        await UntaggedAsync(other, "s SELECT INBOX");
        await UntaggedAsync(other, "t UID STORE 1 +FLAGS (\\Flagged)");
        await UntaggedAsync(other, "a APPEND INBOX {9+}\r\nSubject:5");
        await UntaggedAsync(other, "t UID STORE 3 +FLAGS (\\Deleted)");
        await UntaggedAsync(other, "x EXPUNGE");
        var updates = await UntaggedAsync(client, "n NOOP");
        Assert.Equal(["* VANISHED 3", "* 2 EXISTS", "* 1 UIDFETCH (FLAGS (\\Flagged))"], updates);

        // With CONDSTORE, MODSEQ is there but no UID item.
        var modseq = await UntaggedAsync(client, "f UID FETCH 1:* (FLAGS) (CHANGEDSINCE 1)");
        Assert.All(modseq.Where(l => !l.StartsWith("* OK [HIGHESTMODSEQ ", StringComparison.Ordinal)), l => Assert.Matches(@"^\* \d+ UIDFETCH \(FLAGS \([^)]*\) MODSEQ \(\d+\)\)$", l));
    }

    [Fact]
    public async Task Qresync_sequence_match_data_is_refused_and_known_uids_work()
    {
        await using var server = await TestMailServer.StartAsync();
        await server.AppendAsync("alice@example.test", "Subject: a\r\n\r\nx\r\n");
        await server.AppendAsync("alice@example.test", "Subject: b\r\n\r\nx\r\n");
        await using var client = await LoginAsync(server);
        await UntaggedAsync(client, "e ENABLE QRESYNC UIDONLY IMAP4rev2");
        var validity = (await UntaggedAsync(client, "s SELECT INBOX")).Single(l => l.StartsWith("* OK [UIDVALIDITY ", StringComparison.Ordinal)).Split(' ')[3].TrimEnd(']');
        await UntaggedAsync(client, "t UID STORE 2 +FLAGS (\\Answered)");
        Assert.StartsWith("q BAD [UIDREQUIRED]", await TaggedAsync(client, $"q SELECT INBOX (QRESYNC ({validity} 1 1:2 (1:2 1:2)))"), StringComparison.Ordinal);
        var resync = await UntaggedAsync(client, $"q SELECT INBOX (QRESYNC ({validity} 1 1:2))");
        Assert.True(resync.Exists(l => l.StartsWith("* 2 UIDFETCH (FLAGS (\\Answered) MODSEQ (", StringComparison.Ordinal)), string.Join("\n", resync));
        Assert.DoesNotContain(resync, l => l.Contains(" FETCH ", StringComparison.Ordinal));
    }

    [Fact]
    public void Enable_and_the_uid_item_parse_at_every_split()
    {
        WireTokens.ForEachSplit("a ENABLE UIDONLY QRESYNC", args => Assert.Equal(["UIDONLY", "QRESYNC"], args.Select(a => a.Text)));
        WireTokens.ForEachSplit("a UID FETCH 1:* (FLAGS UID)", args =>
        {
            Assert.True(FetchRequest.TryParse(args[2], null, uid: true, out var asked, out var error), error);
            Assert.True(asked.UidAsked);
        });
        WireTokens.ForEachSplit("a UID FETCH 1:* (FLAGS BODY.PEEK[HEADER])", args =>
        {
            Assert.True(FetchRequest.TryParse(args[2], null, uid: true, out var implied, out var error), error);
            Assert.False(implied.UidAsked);
            Assert.Equal(FetchItemKind.Uid, implied.Items[0].Kind);
        });
        WireTokens.ForEachSplit("a UID SEARCH OR 1:3 UID 4 $", args =>
        {
            Assert.True(SearchParser.TryParse(args.Skip(1).ToList(), out var key, out var error), error);
            Assert.True(key.UsesSequenceNumbers);
        });
        WireTokens.ForEachSplit("a UID SEARCH OR UID 1:3 $ NOT UID 4", args =>
        {
            Assert.True(SearchParser.TryParse(args.Skip(1).ToList(), out var key, out var error), error);
            Assert.False(key.UsesSequenceNumbers);
        });
    }
}
