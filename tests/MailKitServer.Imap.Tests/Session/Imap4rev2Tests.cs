using System.Text;
using MailKitServer.TestSupport;
using static MailKitServer.Imap.Tests.Session.ImapTestClient;

namespace MailKitServer.Imap.Tests.Session;

/// <summary>IMAP4rev2 (RFC 9051) once enabled, UTF8=ACCEPT (RFC 6855) and LITERAL- (RFC 7888).</summary>
public class Imap4rev2Tests
{
    [Fact]
    public async Task Enabling_IMAP4rev2_changes_select_search_and_unsolicited_fetch()
    {
        await using var server = await TestMailServer.StartAsync();
        await server.AppendAsync("alice@example.test", "Subject: one\r\n\r\nbody\r\n");
        await server.AppendAsync("alice@example.test", "Subject: two\r\n\r\nbody\r\n");
        await using var client = await LoginAsync(server);
        var lines = new List<string>();
        Assert.StartsWith("b OK", await TaggedAsync(client, "b ENABLE IMAP4rev2 X-UNKNOWN", lines), StringComparison.Ordinal);
        Assert.Equal(["* ENABLED IMAP4rev2"], lines);

        lines.Clear();
        Assert.StartsWith("c OK [READ-WRITE]", await TaggedAsync(client, "c SELECT INBOX", lines), StringComparison.Ordinal);
        Assert.Contains("* LIST (\\HasNoChildren) \"/\" \"INBOX\"", lines);
        Assert.DoesNotContain(lines, l => l.EndsWith(" RECENT", StringComparison.Ordinal));

        lines.Clear();
        Assert.StartsWith("d OK", await TaggedAsync(client, "d SEARCH ALL", lines), StringComparison.Ordinal);
        Assert.Equal(["* ESEARCH (TAG \"d\") ALL 1:2"], lines);
        lines.Clear();
        await TaggedAsync(client, "e UID SEARCH SUBJECT nothing-like-this", lines);
        Assert.Equal(["* ESEARCH (TAG \"e\") UID"], lines);

        // Another session changes flags: the unsolicited FETCH carries the UID (RFC 9051 §7.5.2).
        await using var other = await LoginAsync(server);
        await TaggedAsync(other, "o SELECT INBOX");
        await TaggedAsync(other, "p STORE 2 +FLAGS.SILENT (\\Flagged)");
        lines.Clear();
        await TaggedAsync(client, "f NOOP", lines);
        Assert.Contains(lines, l => l.StartsWith("* 2 FETCH (UID 2 FLAGS (\\Flagged", StringComparison.Ordinal));

        Assert.StartsWith("g BAD", await TaggedAsync(client, "g ENABLE UTF8=ACCEPT"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UTF8_ACCEPT_takes_and_gives_UTF8_mailbox_names_while_rev1_sessions_see_modified_UTF7()
    {
        await using var server = await TestMailServer.StartAsync();
        await using var client = await LoginAsync(server);
        var lines = new List<string>();
        await TaggedAsync(client, "b ENABLE UTF8=ACCEPT", lines);
        Assert.Equal(["* ENABLED UTF8=ACCEPT"], lines);
        Assert.StartsWith("c OK", await TaggedAsync(client, "c CREATE \"Küche/Töpfe & Pfannen\""), StringComparison.Ordinal);
        lines.Clear();
        await TaggedAsync(client, "d LIST \"\" \"Küche*\"", lines);
        Assert.Contains("* LIST (\\HasNoChildren) \"/\" \"Küche/Töpfe & Pfannen\"", lines);

        await using var rev1 = await LoginAsync(server);
        lines.Clear();
        await TaggedAsync(rev1, "d LIST \"\" \"K*\"", lines);
        Assert.Contains("* LIST (\\HasNoChildren) \"/\" \"K&APw-che/T&APY-pfe &- Pfannen\"", lines);

        // APPEND with UTF8 (literal8) (RFC 6855 §4), a message with UTF-8 headers.
        var message = Encoding.UTF8.GetBytes("Subject: Grüße aus der Küche\r\nFrom: Jörg <jörg@example.test>\r\n\r\nHallo\r\n");
        await client.SendAsync($"e APPEND \"Küche/Töpfe & Pfannen\" UTF8 (~{{{message.Length}+}}\r\n");
        await client.SendAsync(message);
        await client.SendAsync(")\r\n");
        Assert.StartsWith("e OK [APPENDUID", await client.ReadLineAsync(), StringComparison.Ordinal);
        lines.Clear();
        await TaggedAsync(rev1, "f STATUS \"K&APw-che/T&APY-pfe &- Pfannen\" (MESSAGES)", lines);
        Assert.Equal(["* STATUS \"K&APw-che/T&APY-pfe &- Pfannen\" (MESSAGES 1)"], lines);
    }

    [Fact]
    public async Task LITERAL_minus_limits_non_synchronizing_literals_to_4096_octets()
    {
        await using var server = await TestMailServer.StartAsync(imap: o => o.LiteralPlus = false);
        await using var client = await LineClient.ConnectAsync(server.Imap);
        var greeting = await client.ReadLineAsync();
        Assert.Contains(" LITERAL- ", greeting, StringComparison.Ordinal);
        Assert.DoesNotContain("LITERAL+", greeting, StringComparison.Ordinal);
        Assert.StartsWith("a OK", await TaggedAsync(client, "a LOGIN {18+}\r\nalice@example.test alice-pw"), StringComparison.Ordinal);
        var small = new string('x', 4000);
        Assert.StartsWith("b OK", await TaggedAsync(client, $"b APPEND INBOX {{{small.Length + 4}+}}\r\n\r\n\r\n{small}"), StringComparison.Ordinal);
        await client.SendAsync("c APPEND INBOX {5000+}\r\n");
        Assert.Equal("* BYE [TOOBIG] Literal too large", await client.ReadLineAsync());
        Assert.True(await client.IsClosedAsync());
    }

    [Fact]
    public async Task Recent_belongs_to_the_first_read_write_session_told_about_a_message()
    {
        await using var server = await TestMailServer.StartAsync();
        await server.AppendAsync("alice@example.test", "Subject: one\r\n\r\nbody\r\n");
        await server.AppendAsync("alice@example.test", "Subject: two\r\n\r\nbody\r\n");
        await using var a = await LoginAsync(server);
        await using var b = await LoginAsync(server);
        var lines = new List<string>();
        await TaggedAsync(b, "s STATUS INBOX (RECENT MESSAGES)", lines);
        Assert.Equal(["* STATUS \"INBOX\" (RECENT 2 MESSAGES 2)"], lines);

        lines.Clear();
        await TaggedAsync(a, "s SELECT INBOX", lines);
        Assert.Contains("* 2 RECENT", lines);
        lines.Clear();
        await TaggedAsync(a, "f FETCH 1 FLAGS", lines);
        Assert.Equal(["* 1 FETCH (FLAGS (\\Recent))"], lines);

        lines.Clear();
        await TaggedAsync(b, "s SELECT INBOX", lines);
        Assert.Contains("* 0 RECENT", lines);
        lines.Clear();
        await TaggedAsync(b, "t STATUS INBOX (RECENT)", lines);
        Assert.Equal(["* STATUS \"INBOX\" (RECENT 0)"], lines);

        // A delivery: the session that hears of it first gets it as recent.
        await server.AppendAsync("alice@example.test", "Subject: three\r\n\r\nbody\r\n");
        lines.Clear();
        await TaggedAsync(b, "n NOOP", lines);
        Assert.Equal(["* 3 EXISTS", "* 1 RECENT"], lines);
        lines.Clear();
        await TaggedAsync(a, "n NOOP", lines);
        Assert.Equal(["* 3 EXISTS", "* 2 RECENT"], lines);

        lines.Clear();
        await TaggedAsync(b, "u SEARCH RECENT", lines);
        Assert.Equal(["* SEARCH 3"], lines);
        await TaggedAsync(a, "v STORE 1 +FLAGS.SILENT (\\Seen)");
        lines.Clear();
        await TaggedAsync(a, "w SEARCH NEW", lines);
        Assert.Equal(["* SEARCH 2"], lines);
        lines.Clear();
        await TaggedAsync(a, "x SEARCH OLD", lines);
        Assert.Equal(["* SEARCH 3"], lines);
    }

    [Fact]
    public async Task Sections_and_partials_are_byte_ranges_of_the_stored_message()
    {
        await using var server = await TestMailServer.StartAsync();
        const string message = "Subject: parts\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nfirst part\r\n--b\r\nContent-Type: text/html\r\n\r\n<p>second</p>\r\n--b--\r\n";
        await server.AppendAsync("alice@example.test", message);
        await using var client = await LoginAsync(server);
        await TaggedAsync(client, "s SELECT INBOX");
        var lines = new List<string>();
        await TaggedAsync(client, "f FETCH 1 (BODY.PEEK[2]<3.6> BODY.PEEK[2.MIME] BODY.PEEK[1]<100.5> RFC822.HEADER BODY.PEEK[HEADER.FIELDS (SUBJECT)]<2.5>)", lines);
        var response = string.Join("\n", lines);
        Assert.Contains("BODY[2]<3> {6}\nsecond", response, StringComparison.Ordinal);
        Assert.Contains("BODY[2.MIME] {27}\nContent-Type: text/html\n", response, StringComparison.Ordinal);
        Assert.Contains("BODY[1]<100> {0}", response, StringComparison.Ordinal);
        Assert.Contains("RFC822.HEADER {61}\nSubject: parts", response, StringComparison.Ordinal);
        Assert.Contains("BODY[HEADER.FIELDS (SUBJECT)]<2> {5}\nbject", response, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_MULTIAPPEND_that_fails_part_way_leaves_no_message_behind()
    {
        var root = Directory.CreateTempSubdirectory("mks-multiappend").FullName;
        try
        {
            var store = new MailKitServer.Storage.Maildir.MaildirMessageStore(new MailKitServer.Storage.Maildir.MaildirStoreOptions { Root = root, QuotaMessages = 2 });
            await using var server = await TestMailServer.StartAsync(configure: b => b.UseStore(store));
            await using var client = await LoginAsync(server);
            var tagged = await TaggedAsync(client, "m APPEND INBOX {9+}\r\nSubject:1 {9+}\r\nSubject:2 {9+}\r\nSubject:3");
            Assert.StartsWith("m NO [OVERQUOTA]", tagged, StringComparison.Ordinal);
            var lines = new List<string>();
            await TaggedAsync(client, "s STATUS INBOX (MESSAGES)", lines);
            Assert.Equal(["* STATUS \"INBOX\" (MESSAGES 0)"], lines);
            Assert.StartsWith("n OK [APPENDUID", await TaggedAsync(client, "n APPEND INBOX {9+}\r\nSubject:1 {9+}\r\nSubject:2"), StringComparison.Ordinal);
        }
        finally
        {
            TempDirectories.Delete(root);
        }
    }
}
