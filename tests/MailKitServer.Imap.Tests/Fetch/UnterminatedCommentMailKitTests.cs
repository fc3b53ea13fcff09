using System.Text;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKitServer.TestSupport;

namespace MailKitServer.Imap.Tests.Fetch;

/// <summary>
/// An address field that ends inside a comment right after a backslash ("Alice &lt;a@b.test&gt; (\") once made the
/// address parser read past the value's end (an exception instead of an ENVELOPE; found by comparing the parser with a
/// rewrite of it over a million random address lists). MailKit's FETCH ENVELOPE, SEARCH FROM and SORT by FROM must
/// read such messages like any other: the comment runs to the end of the value.
/// </summary>
public sealed class UnterminatedCommentMailKitTests
{
    [Fact]
    public async Task Envelope_search_and_sort_read_an_address_field_ending_in_a_comment_with_a_backslash()
    {
        await using var server = await TestMailServer.StartAsync();
        string[] messages =
        [
            "From: Alice <alice@example.test> (\\\r\nTo: (\\\r\nCc: bob@example.test (Bob\\\r\nSubject: one\r\n\r\nbody\r\n",
            "From: carol@example.test\r\nSubject: two\r\nContent-Type: text/plain; charset=us-ascii (\\\r\n\r\nbody\r\n",
        ];
        await using (var account = await server.Store.OpenAccountAsync("alice@example.test", default))
        {
            foreach (var message in messages)
            {
                await account.AppendAsync("INBOX", new MemoryStream(Encoding.ASCII.GetBytes(message)), Storage.SystemFlags.None, [], null, default);
            }
        }

        using var imap = new ImapClient();
        await imap.ConnectAsync("127.0.0.1", server.Imap.Port, MailKit.Security.SecureSocketOptions.None);
        await imap.AuthenticateAsync("alice@example.test", "alice-pw");
        await imap.Inbox.OpenAsync(FolderAccess.ReadOnly);

        for (var pass = 0; pass < 2; pass++)
        {
            // The second pass answers from the listener's envelope cache.
            var summaries = await imap.Inbox.FetchAsync(0, -1, MessageSummaryItems.Envelope | MessageSummaryItems.BodyStructure);
            var first = summaries[0].Envelope!;
            var from = Assert.Single(first.From.Mailboxes);
            Assert.Equal(("Alice", "alice@example.test"), (from.Name, from.Address));
            Assert.Empty(first.To);
            Assert.Equal("bob@example.test", Assert.Single(first.Cc.Mailboxes).Address);
            Assert.Equal("carol@example.test", Assert.Single(summaries[1].Envelope!.From.Mailboxes).Address);
            Assert.Equal("plain", summaries[1].Body!.ContentType.MediaSubtype);
        }

        Assert.Single(await imap.Inbox.SearchAsync(SearchQuery.FromContains("alice")));
        Assert.Single(await imap.Inbox.SearchAsync(SearchQuery.CcContains("bob")));
        var sorted = await imap.Inbox.SortAsync(SearchQuery.All, [OrderBy.From]);
        Assert.Equal(2, sorted.Count);
    }
}
