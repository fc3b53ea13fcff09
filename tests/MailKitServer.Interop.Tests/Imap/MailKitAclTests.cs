using System.Text;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using MailKitServer.TestSupport;

namespace MailKitServer.Interop.Tests.Imap;

/// <summary>
/// MailKit's ImapClient (4.18.2) with ACL (RFC 4314) and the shared namespaces (RFC 2342): alice shares Projects with
/// bob, bob finds it under "Other Users/", reads it, is refused \Deleted until alice grants "t" and "e", then expunges;
/// each idling session sees the other's change.
/// </summary>
public class MailKitAclTests
{
    private const string Alice = "alice@example.test";
    private const string Bob = "bob@example.test";

    private static async Task<ImapClient> ConnectAsync(TestMailServer server, string user)
    {
        var client = new ImapClient();
        await client.ConnectAsync(server.Imap.Address.ToString(), server.Imap.Port, SecureSocketOptions.None);
        await client.AuthenticateAsync(user, user[..user.IndexOf('@')] + "-pw");
        return client;
    }

    private static async Task AppendAsync(IMailFolder folder, string subject) =>
        await folder.AppendAsync(new MimeKit.MimeMessage(
            [new MimeKit.MailboxAddress("Alice", Alice)], [new MimeKit.MailboxAddress("Bob", Bob)], subject, new MimeKit.TextPart("plain") { Text = "about " + subject }));

    [Fact]
    public async Task Alice_shares_projects_with_bob_who_reads_then_expunges_once_granted_and_both_idle_sessions_see_it()
    {
        await using var server = await TestMailServer.StartAsync();
        using var alice = await ConnectAsync(server, Alice);
        Assert.True(alice.Capabilities.HasFlag(ImapCapabilities.Acl));
        Assert.Contains("texk", alice.Rights.ToString(), StringComparison.Ordinal);
        var projects = await alice.GetFolder(alice.PersonalNamespaces[0]).CreateAsync("Projects", true) ?? throw new InvalidOperationException("no folder");
        await AppendAsync(projects, "plan");
        await AppendAsync(projects, "budget");

        // Read-only for bob: look up, read, keep \Seen; no \Deleted, no expunge.
        await projects.SetAccessRightsAsync(Bob, new AccessRights("lrs"));
        var acl = await projects.GetAccessControlListAsync();
        Assert.Contains(acl, e => e.Name == Bob && e.Rights.ToString() == "lrs");
        Assert.Contains(acl, e => e.Name == Alice && e.Rights.Contains(AccessRight.Administer));

        using var bob = await ConnectAsync(server, Bob);
        Assert.Equal("Other Users", bob.OtherNamespaces.Single().Path);
        Assert.Equal("Shared", bob.SharedNamespaces.Single().Path);
        var shared = (await bob.GetFoldersAsync(bob.OtherNamespaces[0])).Single(f => f.FullName == $"Other Users/{Alice}/Projects");
        Assert.Equal("lrs", (await shared.GetMyAccessRightsAsync()).ToString());
        await shared.OpenAsync(FolderAccess.ReadWrite);
        Assert.Equal(2, shared.Count);
        Assert.Equal("plan", (await shared.GetMessageAsync(0)).Subject);
        Assert.True(shared.Access == FolderAccess.ReadWrite);

        // PERMANENTFLAGS tells MailKit that \Deleted is out of reach (RFC 4314 §5.1.1); the server refuses EXPUNGE.
        Assert.True(shared.PermanentFlags.HasFlag(MessageFlags.Seen));
        Assert.False(shared.PermanentFlags.HasFlag(MessageFlags.Deleted));
        var refused = await Assert.ThrowsAsync<ImapCommandException>(() => shared.ExpungeAsync());
        Assert.Equal(ImapCommandResponse.No, refused.Response);
        await shared.AddFlagsAsync(0, MessageFlags.Seen, true);
        Assert.True((await shared.FetchAsync(0, 0, MessageSummaryItems.Flags)).Single().Flags!.Value.HasFlag(MessageFlags.Seen));

        // bob cannot see alice's other mailboxes, nor read or change the list.
        Assert.DoesNotContain(await bob.GetFoldersAsync(bob.OtherNamespaces[0]), f => f.FullName.EndsWith("/INBOX", StringComparison.Ordinal));
        await Assert.ThrowsAsync<ImapCommandException>(() => shared.GetAccessControlListAsync());

        // alice grants "t" and "e" and idles in Projects; bob (after reselecting) deletes and expunges "plan".
        await projects.AddAccessRightsAsync(Bob, new AccessRights("te"));
        await projects.OpenAsync(FolderAccess.ReadWrite);
        var aliceSawExpunge = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        projects.MessageExpunged += (_, e) => aliceSawExpunge.TrySetResult(e.Index);
        using (var done = new CancellationTokenSource())
        {
            var idle = alice.IdleAsync(done.Token);
            await shared.CloseAsync();
            await shared.OpenAsync(FolderAccess.ReadWrite);
            Assert.Equal("lrsted", (await shared.GetMyAccessRightsAsync()).ToString());
            await shared.AddFlagsAsync(0, MessageFlags.Deleted, true);
            await shared.ExpungeAsync();
            Assert.Equal(1, shared.Count);
            Assert.Equal(0, await aliceSawExpunge.Task.WaitAsync(TimeSpan.FromSeconds(30)));
            await done.CancelAsync();
            await idle;
        }

        // bob idles in the shared folder; alice appends to it and bob is told.
        var bobSawNew = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        shared.CountChanged += (_, _) => bobSawNew.TrySetResult(shared.Count);
        using (var done = new CancellationTokenSource())
        {
            var idle = bob.IdleAsync(done.Token);
            await AppendAsync(projects, "minutes");
            Assert.Equal(2, await bobSawNew.Task.WaitAsync(TimeSpan.FromSeconds(30)));
            await done.CancelAsync();
            await idle;
        }

        Assert.Equal(["budget", "minutes"], (await shared.FetchAsync(0, -1, MessageSummaryItems.Envelope)).Select(m => m.Envelope!.Subject));
        await alice.DisconnectAsync(true);
        await bob.DisconnectAsync(true);
    }

    [Fact]
    public async Task A_folder_shared_with_a_distribution_list_reaches_its_members_only()
    {
        await using var server = await TestMailServer.StartAsync();
        server.Directory.AddUser("carol@example.test", "carol-pw");
        server.Directory.AddAlias("team@example.test", Bob);
        using var alice = await ConnectAsync(server, Alice);
        var minutes = await alice.GetFolder(alice.PersonalNamespaces[0]).CreateAsync("Minutes", true) ?? throw new InvalidOperationException("no folder");
        await AppendAsync(minutes, "week 1");
        await minutes.SetAccessRightsAsync("$team@example.test", new AccessRights("lri"));

        using var bob = await ConnectAsync(server, Bob);
        var shared = await bob.GetFolderAsync($"Other Users/{Alice}/Minutes");
        await shared.OpenAsync(FolderAccess.ReadOnly);
        Assert.Equal(1, shared.Count);
        await AppendAsync(shared, "week 2 by bob");
        await minutes.StatusAsync(StatusItems.Count);
        Assert.Equal(2, minutes.Count);

        using var carol = await ConnectAsync(server, "carol@example.test");
        Assert.Empty(carol.OtherNamespaces.Count == 0 ? [] : await carol.GetFoldersAsync(carol.OtherNamespaces[0]));
        var hidden = await Assert.ThrowsAsync<FolderNotFoundException>(() => carol.GetFolderAsync($"Other Users/{Alice}/Minutes"));
        Assert.NotNull(hidden);
    }
}
