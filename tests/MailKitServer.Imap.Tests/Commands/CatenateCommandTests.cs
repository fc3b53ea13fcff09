using System.Text;
using MailKitServer.TestSupport;
using static MailKitServer.Imap.Tests.Session.ImapTestClient;

namespace MailKitServer.Imap.Tests.Commands;

/// <summary>APPEND ... CATENATE (RFC 4469) over the wire: literals and URLs of the user's own messages.</summary>
public class CatenateCommandTests
{
    private const string Multipart = "From: ann@a.test\r\nSubject: parts\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nfirst part\r\n--b\r\nContent-Type: text/html\r\n\r\n<p>second</p>\r\n--b--\r\n";

    private static string Literal(string text) => $"{{{Encoding.UTF8.GetByteCount(text)}+}}\r\n{text}";

    private static async Task<string> BodyAsync(LineClient client, string mailbox, int sequence)
    {
        await TaggedAsync(client, $"s EXAMINE {mailbox}");
        await client.SendAsync($"f FETCH {sequence} BODY.PEEK[]\r\n");
        var first = await client.ReadLineAsync() ?? string.Empty;
        var size = int.Parse(first[(first.LastIndexOf('{') + 1)..^1], System.Globalization.CultureInfo.InvariantCulture);
        var body = new StringBuilder();
        while (Encoding.UTF8.GetByteCount(body.ToString()) < size)
        {
            body.Append(await client.ReadLineAsync()).Append("\r\n");
        }

        Assert.Equal(")", await client.ReadLineAsync());
        Assert.Equal("f OK FETCH completed", await client.ReadLineAsync());
        return body.ToString()[..size];
    }

    private static async Task<LineClient> SeededAsync(TestMailServer server)
    {
        var client = await LoginAsync(server);
        Assert.StartsWith("a OK [APPENDUID", await TaggedAsync(client, "a APPEND INBOX " + Literal(Multipart)), StringComparison.Ordinal);
        Assert.StartsWith("a OK", await TaggedAsync(client, "a CREATE Drafts2"), StringComparison.Ordinal);
        return client;
    }

    [Fact]
    public async Task Catenates_literals_and_url_sections_of_the_users_messages()
    {
        await using var server = await TestMailServer.StartAsync();
        await using var client = await SeededAsync(server);
        Assert.Contains(" CATENATE ", Assert.Single(await UntaggedAsync(client, "c CAPABILITY")), StringComparison.Ordinal);
        var validity = (await UntaggedAsync(client, "v STATUS INBOX (UIDVALIDITY)"))[0].Split(' ')[^1].TrimEnd(')');

        var reply = await TaggedAsync(client, "b APPEND Drafts2 (\\Draft) CATENATE (URL \"/INBOX;UIDVALIDITY=" + validity + "/;UID=1/;SECTION=HEADER\" TEXT " + Literal("--b\r\nContent-Type: text/plain\r\n\r\nnew first part\r\n--b\r\n") + " URL \"/INBOX/;UID=1/;section=2.MIME\" URL \"/INBOX/;uid=1/;section=2\" TEXT " + Literal("\r\n--b--\r\n") + ")");
        Assert.StartsWith("b OK [APPENDUID ", reply, StringComparison.Ordinal);
        Assert.Equal(
            "From: ann@a.test\r\nSubject: parts\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nnew first part\r\n--b\r\nContent-Type: text/html\r\n\r\n<p>second</p>\r\n--b--\r\n",
            await BodyAsync(client, "Drafts2", 1));

        // HEADER.FIELDS, TEXT, a part, partial ranges and the whole message, from the selected mailbox too.
        await TaggedAsync(client, "s SELECT INBOX");
        Assert.StartsWith("d OK", await TaggedAsync(client, "d APPEND Drafts2 CATENATE (URL \"/INBOX/;UID=1/;SECTION=HEADER.FIELDS%20(SUBJECT)\" URL \"/INBOX/;UID=1/;SECTION=1\" TEXT " + Literal("|") + " URL \"/INBOX/;UID=1/;SECTION=TEXT/;PARTIAL=2.3\" URL \"/INBOX/;UID=1/;PARTIAL=100000.1\")"), StringComparison.Ordinal);
        Assert.Equal("Subject: parts\r\n\r\nfirst part|b\r\n", await BodyAsync(client, "Drafts2", 2));
        Assert.StartsWith("e OK", await TaggedAsync(client, "e APPEND Drafts2 CATENATE (URL \"/INBOX/;UID=1\")"), StringComparison.Ordinal);
        Assert.Equal(Multipart, await BodyAsync(client, "Drafts2", 3));

        // Catenating does not set \Seen on the source (RFC 4469 §3).
        var flags = await UntaggedAsync(client, "g FETCH 1 FLAGS");
        Assert.DoesNotContain("\\Seen", flags[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_url_is_refused_with_badurl_and_nothing_is_appended()
    {
        await using var server = await TestMailServer.StartAsync();
        await using var client = await SeededAsync(server);
        foreach (var url in new[] { "/INBOX;UIDVALIDITY=12345/;UID=1/;SECTION=HEADER", "/INBOX/;UID=99", "/Nope/;UID=1", "imap://alice@example.test/INBOX/;UID=1", "/INBOX/;UID=1/;SECTION=9.FOO", "/INBOX/;UID=1/;URLAUTH=anonymous" })
        {
            Assert.Equal($"x NO [BADURL {url}] Cannot use that message part", await TaggedAsync(client, "x APPEND Drafts2 CATENATE (TEXT " + Literal("a: b\r\n\r\n") + " URL \"" + url + "\")"));
        }

        // MULTIAPPEND is all or nothing: the first message, fine on its own, is taken back.
        Assert.StartsWith("y NO [BADURL", await TaggedAsync(client, "y APPEND Drafts2 CATENATE (URL \"/INBOX/;UID=1\") CATENATE (URL \"/INBOX/;UID=7\")"), StringComparison.Ordinal);
        Assert.Equal("* STATUS \"Drafts2\" (MESSAGES 0)", Assert.Single(await UntaggedAsync(client, "z STATUS Drafts2 (MESSAGES)")));
    }

    [Fact]
    public async Task A_missing_mailbox_is_reported_before_the_urls()
    {
        await using var server = await TestMailServer.StartAsync();
        await using var client = await SeededAsync(server);
        Assert.Equal("a NO [TRYCREATE] No such mailbox", await TaggedAsync(client, "a APPEND Nowhere CATENATE (TEXT " + Literal("x: y\r\n\r\n") + " URL \"/INBOX;UIDVALIDITY=1/;UID=1\")"));
    }

    [Fact]
    public async Task Catenate_mixes_with_multiappend_literals_flags_and_dates()
    {
        await using var server = await TestMailServer.StartAsync();
        await using var client = await SeededAsync(server);
        var reply = await TaggedAsync(client, "a APPEND Drafts2 CATENATE (URL \"/INBOX/;UID=1/;SECTION=HEADER\" TEXT " + Literal("body one\r\n") + ") (\\Answered) \"01-Mar-2024 10:00:00 +0000\" " + Literal("New: message\r\n\r\nbody two\r\n") + " (\\Flagged) CATENATE (TEXT " + Literal("X: y\r\n\r\nbody three\r\n") + ")");
        Assert.StartsWith("a OK [APPENDUID ", reply, StringComparison.Ordinal);
        Assert.EndsWith(" 1:3] APPEND completed", reply, StringComparison.Ordinal);
        Assert.Equal("From: ann@a.test\r\nSubject: parts\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\nbody one\r\n", await BodyAsync(client, "Drafts2", 1));
        Assert.Equal("X: y\r\n\r\nbody three\r\n", await BodyAsync(client, "Drafts2", 3));
        var fetched = await UntaggedAsync(client, "f FETCH 2:3 (FLAGS INTERNALDATE)");
        Assert.Contains(fetched, l => l.StartsWith("* 2 FETCH", StringComparison.Ordinal) && l.Contains("\\Answered)", StringComparison.Ordinal) && l.Contains("01-Mar-2024 10:00:00 +0000", StringComparison.Ordinal));
        Assert.Contains(fetched, l => l.StartsWith("* 3 FETCH", StringComparison.Ordinal) && l.Contains("\\Flagged)", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("CATENATE ()")]
    [InlineData("CATENATE (TEXT \"quoted\")")]
    [InlineData("CATENATE (FOO \"/INBOX/;UID=1\")")]
    [InlineData("CATENATE (URL)")]
    [InlineData("CATENATE (URL (\"/INBOX/;UID=1\"))")]
    public async Task Malformed_catenate_lists_get_bad(string data)
    {
        await using var server = await TestMailServer.StartAsync();
        await using var client = await SeededAsync(server);
        Assert.StartsWith("a BAD CATENATE", await TaggedAsync(client, "a APPEND Drafts2 " + data), StringComparison.Ordinal);
        Assert.StartsWith("b OK", await TaggedAsync(client, "b NOOP"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_catenated_message_over_the_append_limit_is_refused_with_toobig()
    {
        await using var server = await TestMailServer.StartAsync(imap: o => o.AppendLimit = 2048);
        await using var client = await SeededAsync(server);
        var url = " URL \"/INBOX/;UID=1\"";
        Assert.Equal("a NO [TOOBIG] Catenated message too large", await TaggedAsync(client, "a APPEND Drafts2 CATENATE (" + string.Concat(Enumerable.Repeat(url, 20)).TrimStart() + ")"));
        Assert.Equal("* STATUS \"Drafts2\" (MESSAGES 0)", Assert.Single(await UntaggedAsync(client, "z STATUS Drafts2 (MESSAGES)")));
    }
}
