using System.Text;
using MailKitServer.TestSupport;
using static MailKitServer.Imap.Tests.Session.ImapTestClient;

namespace MailKitServer.Imap.Tests.Fetch;

/// <summary>
/// Issue 14 item 5: NUL octets never travel in a plain {n} literal (RFC 9051 §4.3 forbids them; RFC 3516 §4.3). A
/// message APPENDed with NUL has its NUL-holding parts stored base64-encoded, as Dovecot does (the same input gives
/// Dovecot 2.3's BODY[1] "ACAtAQL/DQoNCg=="); BINARY[...] still gives the original octets, in a literal8. NUL in a
/// message that reached the store some other way is sent as 0x80 by BODY[...], as Dovecot does too.
/// </summary>
public sealed class BinaryContentTests
{
    private static readonly byte[] BinaryMessage = Encoding.Latin1.GetBytes(
        "From: user@domain.org\r\nDate: Sat, 24 Mar 2007 23:00:00 +0200\r\nMime-Version: 1.0\r\nContent-Type: application/octet-stream\r\n" +
        "Content-Transfer-Encoding: binary\r\n\r\n\u0000 -\u0001\u0002\u00ff\r\n\r\n");

    [Fact]
    public async Task An_appended_part_holding_nul_is_stored_base64_and_binary_gives_it_back()
    {
        await using var server = await TestMailServer.StartAsync();
        await using var client = await LoginAsync(server);
        await client.SendAsync([.. Encoding.ASCII.GetBytes($"a APPEND INBOX ~{{{BinaryMessage.Length}+}}\r\n"), .. BinaryMessage, .. "\r\n"u8.ToArray()]);
        Assert.StartsWith("a OK [APPENDUID", await client.ReadLineAsync(), StringComparison.Ordinal);
        await TaggedAsync(client, "s SELECT INBOX");

        await client.SendAsync("f FETCH 1 (BODY.PEEK[1] BODYSTRUCTURE)\r\n");
        Assert.Equal("* 1 FETCH (BODY[1] {16}", await client.ReadLineAsync());
        var next = await client.ReadLineAsync();
        Assert.StartsWith("ACAtAQL/DQoNCg== BODYSTRUCTURE (\"application\" \"octet-stream\" NIL NIL NIL \"base64\" 16 ", next, StringComparison.Ordinal);
        Assert.Equal("f OK FETCH completed", await client.ReadLineAsync());

        await client.SendAsync("b FETCH 1 (BINARY.SIZE[1] BINARY.PEEK[1])\r\n");
        Assert.Equal("* 1 FETCH (BINARY.SIZE[1] 10 BINARY[1] ~{10}", await client.ReadLineAsync());
        Assert.Equal("\0 -\u0001\u0002\uFFFD", await client.ReadLineAsync());
        Assert.Equal(string.Empty, await client.ReadLineAsync());
        Assert.Equal(")", await client.ReadLineAsync());
        Assert.Equal("b OK FETCH completed", await client.ReadLineAsync());

        var stored = Assert.Single(await server.InboxAsync("alice@example.test"));
        Assert.DoesNotContain((byte)0, stored);
    }

    [Fact]
    public async Task Only_the_part_holding_nul_is_reencoded_and_its_siblings_stay_as_sent()
    {
        var message = Encoding.Latin1.GetBytes(
            "From: user@domain.org\r\nMime-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n" +
            "--b\r\nContent-Type: text/plain\r\n\r\nhello\r\n" +
            "--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\nX-Keep: yes\r\n\r\n\u0000\u0001\r\n" +
            "--b--\r\n");
        await using var server = await TestMailServer.StartAsync();
        await using var client = await LoginAsync(server);
        await client.SendAsync([.. Encoding.ASCII.GetBytes($"a APPEND INBOX ~{{{message.Length}+}}\r\n"), .. message, .. "\r\n"u8.ToArray()]);
        Assert.StartsWith("a OK [APPENDUID", await client.ReadLineAsync(), StringComparison.Ordinal);
        await TaggedAsync(client, "s SELECT INBOX");

        await client.SendAsync("f FETCH 1 (BODY.PEEK[1] BODY.PEEK[2.MIME] BODY.PEEK[2])\r\n");
        Assert.Equal("* 1 FETCH (BODY[1] {5}", await client.ReadLineAsync());
        Assert.Equal("hello BODY[2.MIME] {90}", await client.ReadLineAsync());
        Assert.Equal("Content-Type: application/octet-stream", await client.ReadLineAsync());
        Assert.Equal("X-Keep: yes", await client.ReadLineAsync());
        Assert.Equal("Content-Transfer-Encoding: base64", await client.ReadLineAsync());
        Assert.Equal(string.Empty, await client.ReadLineAsync());
        Assert.Equal(" BODY[2] {4}", await client.ReadLineAsync());
        Assert.Equal("AAE=)", await client.ReadLineAsync());
        Assert.Equal("f OK FETCH completed", await client.ReadLineAsync());
    }

    [Fact]
    public async Task Nul_in_a_message_stored_some_other_way_goes_out_as_0x80_and_the_literal_keeps_its_length()
    {
        await using var server = await TestMailServer.StartAsync();
        await server.AppendAsync("alice@example.test", "Subject: nul\r\nContent-Transfer-Encoding: 8bit\r\n\r\nA\0B\r\n");
        await using var client = await LoginAsync(server);
        await TaggedAsync(client, "s SELECT INBOX");
        await client.SendAsync("f FETCH 1 (BODY.PEEK[TEXT])\r\n");
        Assert.Equal("* 1 FETCH (BODY[TEXT] {5}", await client.ReadLineAsync());
        Assert.Equal("A\uFFFDB", await client.ReadLineAsync());
        Assert.Equal(")", await client.ReadLineAsync());
    }
}
