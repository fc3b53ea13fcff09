using System.Text;
using MailKitServer.TestSupport;
using static MailKitServer.Imap.Tests.Session.ImapTestClient;

namespace MailKitServer.Imap.Tests.Commands;

/// <summary>REPLACE and UID REPLACE (RFC 8508) over the wire.</summary>
public sealed class ReplaceCommandTests
{
    private static string Literal(string text) => $"{{{Encoding.UTF8.GetByteCount(text)}+}}\r\n{text}";

    [Fact]
    public async Task Replace_appends_the_new_message_and_expunges_only_the_old_one()
    {
        await using var server = await TestMailServer.StartAsync();
        for (var i = 1; i <= 3; i++)
        {
            await server.AppendAsync("alice@example.test", $"Subject: draft {i}\r\n\r\nx\r\n");
        }

        await using var client = await LoginAsync(server);
        Assert.Contains(" REPLACE ", Assert.Single(await UntaggedAsync(client, "c CAPABILITY")), StringComparison.Ordinal);
        await TaggedAsync(client, "s SELECT INBOX");
        Assert.StartsWith("t OK", await TaggedAsync(client, "t STORE 3 +FLAGS.SILENT (\\Deleted)"), StringComparison.Ordinal);

        // RFC 8508 §3.2: APPENDUID first, then EXISTS and EXPUNGE; the other \Deleted message stays.
        var lines = new List<string>();
        Assert.Equal("r OK REPLACE completed", await TaggedAsync(client, "r REPLACE 2 INBOX (\\Seen \\Draft) " + Literal("Subject: draft 2b\r\n\r\ny\r\n"), lines));
        Assert.Matches(@"^\* OK \[APPENDUID \d+ 4\] ", lines[0]);
        Assert.Contains("* 2 EXPUNGE", lines);
        Assert.Contains("* 3 EXISTS", lines);
        Assert.Equal(["* 1 FETCH (UID 1)", "* 2 FETCH (UID 3)", "* 3 FETCH (UID 4)"], await UntaggedAsync(client, "f FETCH 1:* (UID)"));
        Assert.Matches(@"^\* 3 FETCH \(FLAGS \((\\Recent )?\\Seen \\Draft\)\)$", Assert.Single(await UntaggedAsync(client, "f FETCH 3 (FLAGS)")));
        Assert.Matches(@"^\* 2 FETCH \(FLAGS \((\\Recent )?\\Deleted\)\)$", Assert.Single(await UntaggedAsync(client, "f FETCH 2 (FLAGS)")));

        // UID REPLACE into another mailbox, with CATENATE of the old message's text.
        Assert.StartsWith("b OK", await TaggedAsync(client, "b CREATE Outbox"), StringComparison.Ordinal);
        lines.Clear();
        Assert.Equal("u OK REPLACE completed", await TaggedAsync(client, "u UID REPLACE 4 Outbox CATENATE (TEXT " + Literal("Subject: sent\r\n\r\n") + " URL \"/INBOX/;UID=4/;SECTION=TEXT\")", lines));
        Assert.Matches(@"^\* OK \[APPENDUID \d+ 1\] ", lines[0]);
        Assert.Equal(["* 3 EXPUNGE"], lines.Skip(1).Where(l => !l.EndsWith(" RECENT", StringComparison.Ordinal)));
        Assert.Equal(["* STATUS \"Outbox\" (MESSAGES 1 SIZE 20)"], await UntaggedAsync(client, "s STATUS Outbox (MESSAGES SIZE)"));
    }

    [Fact]
    public async Task Refusals_leave_both_mailboxes_as_they_were()
    {
        await using var server = await TestMailServer.StartAsync();
        await server.AppendAsync("alice@example.test", "Subject: one\r\n\r\nx\r\n");
        await using var client = await LoginAsync(server);
        Assert.StartsWith("r BAD", await TaggedAsync(client, "r REPLACE 1 INBOX " + Literal("Subject: not selected\r\n\r\n")), StringComparison.Ordinal);
        await TaggedAsync(client, "s SELECT INBOX");
        Assert.StartsWith("r NO [TRYCREATE]", await TaggedAsync(client, "r REPLACE 1 Nope " + Literal("Subject: n\r\n\r\n")), StringComparison.Ordinal);
        Assert.StartsWith("r BAD", await TaggedAsync(client, "r REPLACE 2 INBOX " + Literal("Subject: n\r\n\r\n")), StringComparison.Ordinal);
        Assert.StartsWith("r NO [NONEXISTENT]", await TaggedAsync(client, "r UID REPLACE 9 INBOX " + Literal("Subject: n\r\n\r\n")), StringComparison.Ordinal);
        Assert.StartsWith("r BAD", await TaggedAsync(client, "r REPLACE 1 INBOX " + Literal("Subject: a\r\n\r\n") + " " + Literal("Subject: b\r\n\r\n")), StringComparison.Ordinal);
        Assert.StartsWith("r NO [BADURL", await TaggedAsync(client, "r REPLACE 1 INBOX CATENATE (URL \"/INBOX/;UID=77\")"), StringComparison.Ordinal);
        await TaggedAsync(client, "e EXAMINE INBOX");
        Assert.StartsWith("r NO [READ-ONLY]", await TaggedAsync(client, "r REPLACE 1 INBOX " + Literal("Subject: n\r\n\r\n")), StringComparison.Ordinal);
        Assert.Equal(["* STATUS \"INBOX\" (MESSAGES 1)"], await UntaggedAsync(client, "s STATUS INBOX (MESSAGES)"));
    }

    [Fact]
    public void Replace_arguments_parse_at_every_split()
    {
        WireTokens.ForEachSplit("a UID REPLACE 2000 Drafts (\\Seen \\Draft) \"01-Jan-2015 00:06:00 -0500\" CATENATE (URL \"/INBOX/;UID=1\" URL \"/INBOX/;UID=2/;SECTION=TEXT\")", args =>
        {
            var messages = new List<(Storage.SystemFlags, List<string>, DateTimeOffset?, MailKitServer.Imap.Parsing.ImapToken, bool)>();
            Assert.Null(Imap.Commands.AppendCommand.ParseMessages(args.Skip(1).ToList(), 2, messages));
            var message = Assert.Single(messages);
            Assert.Equal(Storage.SystemFlags.Seen | Storage.SystemFlags.Draft, message.Item1);
            Assert.Equal(new DateTimeOffset(2015, 1, 1, 0, 6, 0, TimeSpan.FromHours(-5)), message.Item3);
            Assert.True(message.Item5);
        });
    }
}
