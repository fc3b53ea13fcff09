using System.Text;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKitServer.TestSupport;

namespace MailKitServer.Imap.Tests.Search;

/// <summary>
/// MailKit's BODY and TEXT searches over parts whose octets are searched as they are (plain ASCII text) and parts
/// whose octets mean other text (UTF-7, ISO-2022-JP, base64, quoted-printable, 8-bit UTF-8): what is found is what the
/// decoded text holds, never what only the raw octets hold (issue 24) — on the first search (messages read whole) and
/// the next ones (structure cached, parts read one by one). UTF-7 text, which the runtime refuses by name, made these
/// searches answer "NO Internal error".
/// </summary>
public sealed class BodyTextOctetsMailKitTests
{
    [Fact]
    public async Task Body_and_text_searches_find_the_decoded_text_whatever_the_octets()
    {
        await using var server = await TestMailServer.StartAsync();
        string[] messages =
        [
            "Subject: one\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nThe Zeta line, then abc.\r\n",
            "Subject: two\r\nContent-Type: text/plain; charset=utf-7\r\n\r\nHi +AGEAYgBj- there\r\n",
            "Subject: three\r\nContent-Type: text/plain; charset=iso-2022-jp\r\n\r\n\u001b$B%F%9%H\u001b(B\r\n",
            "Subject: four\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\nWmV0YSBpbiBiYXNlNjQ=\r\n",
            "Subject: five\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nze=74a caf=C3=A9 =2BAGE\r\n",
            "Subject: six\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nunicode caf\u00e9 text\r\n",
            "Subject: =?utf-7?q?Hi_+AGEAYgBj-?=\r\n\r\nseven\r\n",
        ];
        await using (var account = await server.Store.OpenAccountAsync("alice@example.test", default))
        {
            foreach (var message in messages)
            {
                await account.AppendAsync("INBOX", new MemoryStream(Encoding.UTF8.GetBytes(message)), Storage.SystemFlags.None, [], null, default);
            }
        }

        using var imap = new ImapClient();
        await imap.ConnectAsync("127.0.0.1", server.Imap.Port, MailKit.Security.SecureSocketOptions.None);
        await imap.AuthenticateAsync("alice@example.test", "alice-pw");
        await imap.Inbox.OpenAsync(FolderAccess.ReadOnly);
        var uids = await imap.Inbox.SearchAsync(SearchQuery.All);

        async Task<string> Found(SearchQuery query) =>
            string.Join(" ", (await imap.Inbox.SearchAsync(query)).Select(u => uids.IndexOf(u) + 1));

        for (var pass = 0; pass < 3; pass++)
        {
            if (pass == 2)
            {
                await imap.Inbox.FetchAsync(0, -1, MessageSummaryItems.BodyStructure);
            }

            Assert.Equal("1 4 5", await Found(SearchQuery.BodyContains("ZETA")));
            Assert.Equal("1 4 5", await Found(SearchQuery.MessageContains("zeta")));
            Assert.Equal("1 2", await Found(SearchQuery.BodyContains("abc")));

            // Only the raw octets hold these: the UTF-7 shift, the ISO-2022-JP escape, the QP escape.
            Assert.Equal("5", await Found(SearchQuery.BodyContains("+AGE")));
            Assert.Equal("", await Found(SearchQuery.BodyContains("AGEAYgBj")));
            Assert.Equal("", await Found(SearchQuery.MessageContains("$B%F")));
            Assert.Equal("", await Found(SearchQuery.BodyContains("=C3")));
            Assert.Equal("3", await Found(SearchQuery.BodyContains("\u30c6\u30b9\u30c8")));
            Assert.Equal("5 6", await Found(SearchQuery.BodyContains("CAF\u00c9")));
            Assert.Equal("1 2 3 4 5 6 7", await Found(SearchQuery.MessageContains("subject")));

            // UTF-7 (a part, an encoded word) is read as UTF-7, as Dovecot's iconv does; it answered NO Internal error.
            Assert.Equal("1 2 7", await Found(SearchQuery.MessageContains("ABC")));
            Assert.Equal("7", await Found(SearchQuery.SubjectContains("hi abc")));
        }
    }
}
