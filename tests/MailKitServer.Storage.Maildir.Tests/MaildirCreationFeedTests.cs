using MailKitServer.Storage;
using MailKitServer.TestSupport.StoreContract;

namespace MailKitServer.Storage.Maildir.Tests;

/// <summary>The creation feed's contract, and what the Maildir store adds, against the Maildir store.</summary>
public sealed class MaildirCreationFeedTests : MailboxCreationFeedContract
{
    private readonly string _root = Directory.CreateTempSubdirectory("mks-maildir-").FullName;

    protected override Task<IMessageStore> CreateStoreAsync() => Task.FromResult<IMessageStore>(new MaildirMessageStore(new MaildirStoreOptions { Root = _root }));

    protected override async Task DisposeStoreAsync()
    {
        await ((MaildirMessageStore)Store).DisposeAsync();
        MailKitServer.TestSupport.TempDirectories.Delete(_root);
    }

    [Fact]
    public async Task A_new_accounts_default_mailboxes_are_told_as_it_opens()
    {
        await using var account = await Store.OpenAccountAsync("alice@example.test", default);
        Assert.Contains(("alice@example.test", "Sent"), Heard());
    }
}
