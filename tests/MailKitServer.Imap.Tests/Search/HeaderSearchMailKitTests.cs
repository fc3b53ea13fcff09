using System.Text;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKitServer.TestSupport;

namespace MailKitServer.Imap.Tests.Search;

/// <summary>
/// MailKit's HEADER and SUBJECT searches read the one field they name from the cached header octets (issue 24): a
/// folded value, an encoded word, a field name in another case, 8-bit octets outside UTF-8, a line that is not a field
/// and a word in the body only must give what the fields say — on the first search (header read from the store), the
/// second (header block cached) and after FETCH BODYSTRUCTURE (the whole structure cached; HEADER and SUBJECT keys
/// still read a cached header block's octets first, keys such as FROM the structure's fields).
/// </summary>
public sealed class HeaderSearchMailKitTests
{
    [Fact]
    public async Task Header_and_subject_searches_find_what_the_fields_say_from_octets_and_from_structures()
    {
        await using var server = await TestMailServer.StartAsync();
        string[] messages =
        [
            "Subject: first part\r\n of omega\r\nX-Tag: Alpha\r\n\r\nbody\r\n",
            "Subject: =?utf-8?q?=C3=A9t=C3=A9_omega?=\r\nX-Tag: beta\r\n\r\nbody\r\n",
            "From nobody Mon Nov 30 2026\r\nX-Tag: gamma\r\nSubject: none\r\n\r\nomega in the body only\r\n",
            "x-tag: omega\r\nSubject:\r\n  late omega\r\n\r\nbody\r\n",
            "Subject: caf\u00e9 latin\r\nX-Tag: delta\r\n\r\nbody\r\n",
        ];
        await using (var account = await server.Store.OpenAccountAsync("alice@example.test", default))
        {
            foreach (var message in messages)
            {
                // The last message's header is Latin-1, not UTF-8 (an old mailer's 8-bit header).
                var octets = message.Contains("caf", StringComparison.Ordinal) ? Encoding.Latin1.GetBytes(message) : Encoding.UTF8.GetBytes(message);
                await account.AppendAsync("INBOX", new MemoryStream(octets), Storage.SystemFlags.None, [], null, default);
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

            Assert.Equal("1 2 4", await Found(SearchQuery.SubjectContains("OMEGA")));
            Assert.Equal("1", await Found(SearchQuery.HeaderContains("Subject", "part of omega")));
            Assert.Equal("2", await Found(SearchQuery.SubjectContains("été")));
            Assert.Equal("5", await Found(SearchQuery.SubjectContains("café")));
            Assert.Equal("4", await Found(SearchQuery.HeaderContains("X-TAG", "omega")));
            Assert.Equal("1 2 3 4 5", await Found(SearchQuery.HeaderContains("x-tag", string.Empty)));
            Assert.Equal("3", await Found(SearchQuery.HeaderContains("X-Tag", "GAMMA")));
            Assert.Equal("", await Found(SearchQuery.HeaderContains("From", "nobody")));
            Assert.Equal("3", await Found(SearchQuery.BodyContains("omega")));

            // A FROM key reads the parsed fields (the cached structure on the third pass), HEADER and SUBJECT the octets.
            Assert.Equal("1 2 4", await Found(SearchQuery.SubjectContains("omega").Or(SearchQuery.FromContains("nobody"))));
            Assert.Equal("2 4", await Found(SearchQuery.SubjectContains("omega").And(SearchQuery.Not(SearchQuery.HeaderContains("X-Tag", "alpha")))));
        }
    }
}
