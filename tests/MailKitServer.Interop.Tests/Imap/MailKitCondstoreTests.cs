using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKitServer.TestSupport;

namespace MailKitServer.Interop.Tests.Imap;

/// <summary>
/// CONDSTORE and QRESYNC (RFC 7162) from MailKit 4.18.2's ImapClient, the IMAP client .NET developers use: conditional
/// STORE, FETCH CHANGEDSINCE, SEARCH MODSEQ, and a quick resynchronization that learns of expunges (VANISHED) and
/// flag changes made while it was away.
/// </summary>
public sealed class MailKitCondstoreTests
{
    private static async Task<ImapClient> ConnectAsync(TestMailServer server)
    {
        var client = new ImapClient();
        await client.ConnectAsync(server.Imap.Address.ToString(), server.Imap.Port, MailKit.Security.SecureSocketOptions.None);
        await client.AuthenticateAsync("alice@example.test", "alice-pw");
        return client;
    }

    [Fact]
    public async Task Condstore_conditional_store_changedsince_and_modseq_search()
    {
        await using var server = await TestMailServer.StartAsync();
        for (var i = 0; i < 4; i++)
        {
            await server.AppendAsync("alice@example.test", $"Subject: m{i}\r\n\r\nbody {i}\r\n");
        }

        using var client = await ConnectAsync(server);
        Assert.True(client.Capabilities.HasFlag(ImapCapabilities.CondStore));
        var inbox = client.Inbox;
        await inbox.OpenAsync(FolderAccess.ReadWrite);
        var start = inbox.HighestModSeq;
        Assert.True(start > 0, "HIGHESTMODSEQ in SELECT");

        var all = await inbox.FetchAsync(0, -1, new FetchRequest(MessageSummaryItems.UniqueId | MessageSummaryItems.ModSeq));
        Assert.All(all, m => Assert.True(m.ModSeq > 0));

        // Another session changes message 2; our conditional STORE on 1..4 skips it and names it.
        using (var other = await ConnectAsync(server))
        {
            await other.Inbox.OpenAsync(FolderAccess.ReadWrite);
            await other.Inbox.StoreAsync([all[1].UniqueId], new StoreFlagsRequest(StoreAction.Add, MessageFlags.Flagged) { Silent = true });
        }

        var unchangedSince = all.Max(m => m.ModSeq!.Value);
        var failed = await inbox.StoreAsync(all.Select(m => m.UniqueId).ToList(), new StoreFlagsRequest(StoreAction.Add, MessageFlags.Answered) { UnchangedSince = unchangedSince });
        Assert.Equal([all[1].UniqueId], failed);

        var changed = await inbox.FetchAsync(0, -1, new FetchRequest(MessageSummaryItems.UniqueId | MessageSummaryItems.Flags) { ChangedSince = unchangedSince });
        Assert.Equal(4, changed.Count);
        Assert.True(changed.Single(m => m.UniqueId == all[1].UniqueId).Flags!.Value.HasFlag(MessageFlags.Flagged));
        Assert.False(changed.Single(m => m.UniqueId == all[1].UniqueId).Flags!.Value.HasFlag(MessageFlags.Answered));
        Assert.True(changed.Single(m => m.UniqueId == all[0].UniqueId).Flags!.Value.HasFlag(MessageFlags.Answered));

        var found = await inbox.SearchAsync(SearchQuery.ChangedSince(unchangedSince));
        Assert.Equal(4, found.Count);
        Assert.True(inbox.HighestModSeq > start);
        await client.DisconnectAsync(true);
    }

    [Fact]
    public async Task Qresync_reopen_learns_of_expunges_and_flag_changes_made_meanwhile()
    {
        await using var server = await TestMailServer.StartAsync();
        for (var i = 0; i < 5; i++)
        {
            await server.AppendAsync("alice@example.test", $"Subject: q{i}\r\n\r\nbody {i}\r\n");
        }

        using var client = await ConnectAsync(server);
        Assert.True(client.Capabilities.HasFlag(ImapCapabilities.QuickResync));
        await client.EnableQuickResyncAsync();
        var inbox = client.Inbox;
        await inbox.OpenAsync(FolderAccess.ReadWrite);
        var uids = await inbox.SearchAsync(SearchQuery.All);
        var validity = inbox.UidValidity;
        var modSeq = inbox.HighestModSeq;
        await inbox.CloseAsync();

        using (var other = await ConnectAsync(server))
        {
            await other.Inbox.OpenAsync(FolderAccess.ReadWrite);
            await other.Inbox.AddFlagsAsync(uids[1], MessageFlags.Deleted, true);
            await other.Inbox.ExpungeAsync();
            await other.Inbox.AddFlagsAsync(uids[3], MessageFlags.Seen, true);
        }

        var vanished = new List<UniqueId>();
        var flagged = new List<UniqueId>();
        inbox.MessagesVanished += (_, e) => vanished.AddRange(e.UniqueIds);
        inbox.MessageFlagsChanged += (_, e) =>
        {
            if (e.UniqueId is { } uid && e.Flags.HasFlag(MessageFlags.Seen))
            {
                flagged.Add(uid);
            }
        };
        await inbox.OpenAsync(FolderAccess.ReadWrite, validity, modSeq, uids);
        Assert.Equal([uids[1]], vanished);
        Assert.Equal([uids[3]], flagged);
        Assert.Equal(4, inbox.Count);

        // Expunging here is reported as VANISHED too, and MailKit keeps its count right.
        vanished.Clear();
        await inbox.AddFlagsAsync(uids[0], MessageFlags.Deleted, true);
        await inbox.ExpungeAsync();
        Assert.Equal([uids[0]], vanished);
        Assert.Equal(3, inbox.Count);
        await client.DisconnectAsync(true);
    }
}
