using MailKitServer.Imap.Search;
using MailKitServer.TestSupport;
using Xunit;
using static MailKitServer.Imap.Tests.Session.ImapTestClient;

namespace MailKitServer.Imap.Tests.Search;

/// <summary>
/// BODY and TEXT read a small message once, whole, and a large one part by part (issue 24): both ways find the text
/// in every text part and nothing in an attachment, and a structure cached by one way serves the other.
/// </summary>
public sealed class SearchTextReadTests
{
    [Fact]
    public async Task Small_and_large_messages_are_searched_alike()
    {
        var attachment = Convert.ToBase64String(new byte[SearchTexts.ReadWholeBelow]);
        string Message(string subject, string padding) =>
            $"Subject: {subject}\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nfirst needle\r\n"
            + $"--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n{padding}\r\n"
            + "--b\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n<p>second=20haystack</p>\r\n--b--\r\n";

        await using var server = await TestMailServer.StartAsync();
        await server.AppendAsync("alice@example.test", Message("small", "AAAA"));
        await server.AppendAsync("alice@example.test", Message("large", attachment));
        await using var client = await LoginAsync(server);
        await TaggedAsync(client, "s SELECT INBOX");
        for (var round = 0; round < 2; round++)
        {
            // The first round parses the structures; the second finds them cached.
            var found = new List<string>();
            Assert.StartsWith("a OK", await TaggedAsync(client, "a SEARCH BODY \"first needle\"", found), StringComparison.Ordinal);
            Assert.StartsWith("b OK", await TaggedAsync(client, "b SEARCH TEXT \"second haystack\"", found), StringComparison.Ordinal);
            Assert.StartsWith("c OK", await TaggedAsync(client, "c SEARCH BODY AAAAAAAA", found), StringComparison.Ordinal);
            Assert.Equal(["* SEARCH 1 2", "* SEARCH 1 2", "* SEARCH"], found.Select(l => l.TrimEnd()).ToArray());
        }
    }
}
