using System.Net;
using System.Text;
using MailKitServer.Imap.Tests.Support;
using MailKitServer.TestSupport;
using static MailKitServer.Imap.Tests.Support.RawImapExchange;

namespace MailKitServer.Imap.Tests.Fetch;

/// <summary>
/// Issue 14 item 5 against the reference: the same literal8 APPENDs (a single binary part, and a multipart whose
/// second part holds NUL) sent to a Dovecot and to us, then the same FETCH of BODY[...], BODY[n.MIME], BINARY[...]
/// and BINARY.SIZE: the answers must be the same octets (RFC 3516 §4.3: BODY[] never carries NUL).
/// </summary>
public sealed class BinaryContentDovecotTests
{
    private static readonly string[] Messages =
    [
        "From: user@domain.org\r\nDate: Sat, 24 Mar 2007 23:00:00 +0200\r\nMime-Version: 1.0\r\nContent-Type: application/octet-stream\r\n" +
        "Content-Transfer-Encoding: binary\r\n\r\n\u0000 -\u0001\u0002\u00ff\r\n\r\n",
        "From: user@domain.org\r\nMime-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n" +
        "--b\r\nContent-Type: text/plain\r\n\r\nhello\r\n" +
        "--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\n\r\n\u0000\u0001\u0000 " + new string('\u00fe', 100) + "\r\n" +
        "--b--\r\n",
    ];

    private static readonly string[] Fetches =
    [
        "FETCH 1 (BODY.PEEK[1] BINARY.PEEK[1] BINARY.SIZE[1])",
        "FETCH 2 (BODY.PEEK[1] BODY.PEEK[2.MIME] BODY.PEEK[2] BINARY.PEEK[2] BINARY.SIZE[2])",
    ];

    [Fact]
    public async Task Body_and_binary_of_an_appended_binary_part_match_dovecot()
    {
        await using var dovecot = await Dovecot.StartAsync();
        await using var server = await TestMailServer.StartAsync();
        var theirs = await ExchangeAsync(new IPEndPoint(IPAddress.Loopback, dovecot.Port), "u p");
        var ours = await ExchangeAsync(server.Imap, "alice@example.test alice-pw");
        Assert.Contains(theirs, l => l.Contains("BINARY[2] ~{104}", StringComparison.Ordinal));
        Assert.Contains(theirs, l => l.StartsWith("Content-Transfer-Encoding: base64", StringComparison.Ordinal));
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
            await LiteralAsync(client, "p APPEND INBOX", Encoding.Latin1.GetBytes(message), literal8: true);
            Assert.StartsWith("p OK", await TaggedAsync(client, null), StringComparison.Ordinal);
        }

        var lines = new List<string>();
        await TaggedAsync(client, "n NOOP");
        foreach (var fetch in Fetches)
        {
            var tagged = await TaggedAsync(client, "f " + fetch, lines);
            Assert.StartsWith("f OK", tagged, StringComparison.Ordinal);
        }

        return lines;
    }
}
