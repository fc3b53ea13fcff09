using MailKitServer.Storage;

namespace MailKitServer.Storage.Maildir.Tests;

public sealed class MaildirCreationFeedTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("mks-maildir-").FullName;

    public void Dispose() => MailKitServer.TestSupport.TempDirectories.Delete(_root);

    [Fact]
    public async Task Create_and_rename_tell_the_listeners_which_mailboxes_exist_now()
    {
        var store = new MaildirMessageStore(new MaildirStoreOptions { Root = _root });
        await using var _ = store;
        var created = new List<(string User, string Mailbox)>();
        ((IMailboxCreationFeed)store).MailboxCreated += (user, mailbox) =>
        {
            lock (created)
            {
                created.Add((user, mailbox));
            }
        };

        await using var account = await store.OpenAccountAsync("alice@example.test", default);

        // A new account's default mailboxes come into being as it opens.
        Assert.Contains(("alice@example.test", "Sent"), created);
        created.Clear();
        Assert.Equal(StoreStatus.Success, (await account.CreateAsync("Projects/Launch", MailboxRole.None, default)).Status);
        Assert.Equal([("alice@example.test", "Projects"), ("alice@example.test", "Projects/Launch")], created);

        created.Clear();
        Assert.Equal(StoreStatus.Success, (await account.RenameAsync("Projects", "Done", default)).Status);
        Assert.Equal([("alice@example.test", "Done"), ("alice@example.test", "Done/Launch")], created.Order());

        created.Clear();
        Assert.Equal(StoreStatus.AlreadyExists, (await account.CreateAsync("Done", MailboxRole.None, default)).Status);
        Assert.Empty(created);
    }
}
