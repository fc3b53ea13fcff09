using System.Text;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using MailKitServer.TestSupport;

namespace MailKitServer.Interop.Tests.Imap;

/// <summary>
/// MailKit's ImapClient (4.18.2) asks for NOTIFY events (RFC 5465) and sees them while idling: STATUS for a folder
/// it has not selected, and the new message's summary it asked MessageNew to fetch in the selected one.
/// </summary>
public class MailKitNotifyTests
{
    private static async Task AppendAsync(TestMailServer server, string mailbox, string subject)
    {
        await using var account = await server.Store.OpenAccountAsync("alice@example.test", default);
        var message = $"From: bob@example.test\r\nSubject: {subject}\r\n\r\nbody\r\n";
        var result = await account.AppendAsync(mailbox, new MemoryStream(Encoding.UTF8.GetBytes(message)), Storage.SystemFlags.None, [], null, default);
        Assert.True(result.Succeeded);
    }

    [Fact]
    public async Task Notify_reports_other_folders_and_new_messages_of_the_selected_one_during_idle()
    {
        await using var server = await TestMailServer.StartAsync();
        using var client = new ImapClient();
        await client.ConnectAsync(server.Imap.Address.ToString(), server.Imap.Port, SecureSocketOptions.None);
        await client.AuthenticateAsync("alice@example.test", "alice-pw");
        Assert.True(client.Capabilities.HasFlag(ImapCapabilities.Notify));
        var lists = Assert.IsType<ImapFolder>(await client.GetFolder(client.PersonalNamespaces[0]).CreateAsync("Lists", true));
        var inbox = client.Inbox;
        await inbox.OpenAsync(FolderAccess.ReadOnly);

        await client.NotifyAsync(true, [
            new ImapEventGroup(ImapMailboxFilter.Selected, [new ImapEvent.MessageNew(MessageSummaryItems.UniqueId | MessageSummaryItems.Envelope), ImapEvent.MessageExpunge]),
            new ImapEventGroup(new ImapMailboxFilter.Mailboxes(lists), [new ImapEvent.MessageNew(), ImapEvent.MessageExpunge]),
        ]);

        var listsCount = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        lists.CountChanged += (_, _) => listsCount.TrySetResult(lists.Count);
        var fetched = new TaskCompletionSource<IMessageSummary>(TaskCreationOptions.RunContinuationsAsynchronously);
        inbox.MessageSummaryFetched += (_, e) => fetched.TrySetResult(e.Message);
        using var done = new CancellationTokenSource();
        var idle = client.IdleAsync(done.Token);

        await AppendAsync(server, "Lists", "to the list");
        Assert.Equal(1, await listsCount.Task.WaitAsync(TimeSpan.FromSeconds(30)));
        await AppendAsync(server, "INBOX", "pushed to the client");
        var summary = await fetched.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("pushed to the client", summary.Envelope!.Subject);
        Assert.Equal(1u, summary.UniqueId.Id);

        await done.CancelAsync();
        await idle;
        Assert.Equal(1, inbox.Count);
        await client.DisconnectAsync(true);
    }
}
