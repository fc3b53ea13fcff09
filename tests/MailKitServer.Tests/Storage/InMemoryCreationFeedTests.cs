using MailKitServer.Storage;
using MailKitServer.Storage.InMemory;

namespace MailKitServer.Tests.Storage;

public class InMemoryCreationFeedTests
{
    [Fact]
    public async Task Create_and_rename_tell_the_listeners_which_mailboxes_exist_now()
    {
        var store = new InMemoryMessageStore();
        var created = new List<(string User, string Mailbox)>();
        ((IMailboxCreationFeed)store).MailboxCreated += (user, mailbox) => created.Add((user, mailbox));

        await using var account = await store.OpenAccountAsync("alice@example.test", default);
        Assert.Equal(StoreStatus.Success, (await account.CreateAsync("Projects/Launch", MailboxRole.None, default)).Status);
        Assert.Equal([("alice@example.test", "Projects"), ("alice@example.test", "Projects/Launch")], created);

        created.Clear();
        Assert.Equal(StoreStatus.Success, (await account.RenameAsync("Projects", "Done", default)).Status);
        Assert.Equal([("alice@example.test", "Done"), ("alice@example.test", "Done/Launch")], created.Order());

        // RFC 3501 §6.3.5: renaming INBOX makes the new name, INBOX stays.
        created.Clear();
        Assert.Equal(StoreStatus.Success, (await account.RenameAsync("INBOX", "Old", default)).Status);
        Assert.Equal([("alice@example.test", "Old")], created);

        created.Clear();
        Assert.Equal(StoreStatus.AlreadyExists, (await account.CreateAsync("Done", MailboxRole.None, default)).Status);
        Assert.Empty(created);
    }
}
