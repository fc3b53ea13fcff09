using System.Net;
using System.Text;
using MailKitServer.Imap.Tests.Support;
using MailKitServer.TestSupport;
using static MailKitServer.Imap.Tests.Support.RawImapExchange;

namespace MailKitServer.Imap.Tests.Fetch;

/// <summary>
/// ENVELOPE of messages whose header fields hold raw 8-bit text (RFC 6532 UTF-8, with characters beyond U+FFFF whose
/// UTF-16 low half lies in the range we use for octets that are not UTF-8, and Latin-1), sent to a Dovecot and to us:
/// the first FETCH (parsed) and a repeated one (from the listener's envelope cache) must give Dovecot's octets, and a
/// UTF-8 SEARCH SUBJECT must find the message by such a character.
/// </summary>
public sealed class EnvelopeDovecotTests
{
    private static readonly byte[][] Messages =
    [
        Encoding.UTF8.GetBytes("From: \U0001F480 Skull <skull@example.org>\r\nTo: \U000100FF Linear <b@example.org>\r\n" +
            "Subject: \U0001F480 reminder caf\u00e9\r\nMessage-ID: <skull-1@example.org>\r\nDate: Sat, 24 Mar 2007 23:00:00 +0200\r\n\r\nbody\r\n"),
        Encoding.Latin1.GetBytes("From: J\u00f6rg <j@example.org>\r\nSubject: Gr\u00fc\u00dfe\r\nDate: Sun, 25 Mar 2007 10:00:00 +0000\r\n\r\nbody\r\n"),
    ];

    [Fact]
    public async Task First_and_repeated_envelopes_and_a_utf8_search_match_dovecot()
    {
        await using var dovecot = await Dovecot.StartAsync();
        await using var server = await TestMailServer.StartAsync();
        var theirs = await ExchangeAsync(new IPEndPoint(IPAddress.Loopback, dovecot.Port), "u p");
        var ours = await ExchangeAsync(server.Imap, "alice@example.test alice-pw");
        Assert.Contains(theirs, l => l.Contains("\U0001F480 Skull", StringComparison.Ordinal));
        Assert.Contains("* SEARCH 1", theirs);
        Assert.Equal(theirs, ours);
    }

    private static async Task<List<string>> ExchangeAsync(IPEndPoint endPoint, string login)
    {
        await using var client = await LineClient.ConnectAsync(endPoint);
        await client.ReadLineAsync();
        await TaggedAsync(client, $"a LOGIN {login}");
        await TaggedAsync(client, "s SELECT INBOX");
        foreach (var message in Messages)
        {
            await LiteralAsync(client, "p APPEND INBOX", message);
            Assert.StartsWith("p OK", await TaggedAsync(client, null), StringComparison.Ordinal);
        }

        var lines = new List<string>();
        await TaggedAsync(client, "n NOOP");
        for (var round = 0; round < 2; round++)
        {
            Assert.StartsWith("f OK", await TaggedAsync(client, "f FETCH 1:* (ENVELOPE)", lines), StringComparison.Ordinal);
        }

        await LiteralAsync(client, "x SEARCH CHARSET UTF-8 SUBJECT", Encoding.UTF8.GetBytes("\U0001F480"));
        Assert.StartsWith("x OK", await TaggedAsync(client, null, lines, "x"), StringComparison.Ordinal);
        return lines;
    }
}
