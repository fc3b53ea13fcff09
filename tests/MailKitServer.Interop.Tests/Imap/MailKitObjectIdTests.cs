using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKit.Security;
using MailKitServer.TestSupport;
using MimeKit;

namespace MailKitServer.Interop.Tests.Imap;

/// <summary>
/// MailKit's ImapClient (4.18.2) reads OBJECTID (RFC 8474: folder ids, EMAILID, THREADID), SAVEDATE (RFC 8514) and
/// searches with WITHIN (RFC 5032) and the save-date keys.
/// </summary>
public class MailKitObjectIdTests
{
    private static MimeMessage Message(string subject, string id, string? references = null)
    {
        var message = new MimeMessage { Subject = subject, MessageId = id, Body = new TextPart("plain") { Text = "body" } };
        message.From.Add(MailboxAddress.Parse("bob@example.test"));
        if (references is not null)
        {
            message.References.Add(references);
        }

        return message;
    }

    [Fact]
    public async Task Mailkit_reads_object_ids_and_save_dates_and_searches_within()
    {
        await using var server = await TestMailServer.StartAsync();
        using var client = new ImapClient();
        await client.ConnectAsync(server.Imap.Address.ToString(), server.Imap.Port, SecureSocketOptions.None);
        await client.AuthenticateAsync("alice@example.test", "alice-pw");
        Assert.True(client.Capabilities.HasFlag(ImapCapabilities.ObjectID));
        Assert.True(client.Capabilities.HasFlag(ImapCapabilities.SaveDate));
        Assert.True(client.Capabilities.HasFlag(ImapCapabilities.Within));
        Assert.True(client.Capabilities.HasFlag(ImapCapabilities.Unauthenticate));

        var inbox = client.Inbox!;
        await inbox.AppendAsync(Message("root", "root@example.test"), MessageFlags.None, DateTimeOffset.UtcNow.AddDays(-3));
        await inbox.AppendAsync(Message("Re: root", "reply@example.test", "root@example.test"));
        await inbox.AppendAsync(Message("alone", "alone@example.test"));
        var projects = await client.GetFolder(client.PersonalNamespaces[0]).CreateAsync("Projects", true) ?? throw new InvalidOperationException("CREATE gave no folder");
        Assert.False(string.IsNullOrEmpty(projects.Id));

        await inbox.OpenAsync(FolderAccess.ReadWrite);
        Assert.False(string.IsNullOrEmpty(inbox.Id));
        Assert.NotEqual(projects.Id, inbox.Id);
        var summaries = await inbox.FetchAsync(0, -1, MessageSummaryItems.UniqueId | MessageSummaryItems.EmailId | MessageSummaryItems.ThreadId | MessageSummaryItems.SaveDate);
        Assert.Equal(3, summaries.Select(s => s.EmailId).Distinct().Count());
        Assert.Equal(summaries[0].ThreadId, summaries[1].ThreadId);
        Assert.NotEqual(summaries[0].ThreadId, summaries[2].ThreadId);
        Assert.All(summaries, s => Assert.InRange(s.SaveDate!.Value, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(5)));

        Assert.Equal([summaries[0].UniqueId], await inbox.SearchAsync(SearchQuery.OlderThan(86400)));
        Assert.Equal([summaries[1].UniqueId, summaries[2].UniqueId], await inbox.SearchAsync(SearchQuery.YoungerThan(86400)));
        Assert.Equal(3, (await inbox.SearchAsync(SearchQuery.SavedSince(DateTime.UtcNow.AddDays(-1)))).Count);

        // COPY keeps the EMAILID (RFC 8474 §5.1).
        var copied = await inbox.CopyToAsync(summaries[1].UniqueId, projects);
        Assert.NotNull(copied);
        await projects.OpenAsync(FolderAccess.ReadOnly);
        var copy = Assert.Single(await projects.FetchAsync(0, -1, MessageSummaryItems.EmailId | MessageSummaryItems.ThreadId));
        Assert.Equal(summaries[1].EmailId, copy.EmailId);
        Assert.Equal(summaries[1].ThreadId, copy.ThreadId);
        await client.DisconnectAsync(true);
    }
}
