using MailKitServer.Storage;
using MailKitServer.Storage.InMemory;
using MailKitServer.TestSupport.StoreContract;

namespace MailKitServer.Tests.Storage;

/// <summary>The creation feed's contract, and what the in-memory store adds, against the in-memory store.</summary>
public sealed class InMemoryCreationFeedTests : MailboxCreationFeedContract
{
    protected override Task<IMessageStore> CreateStoreAsync() => Task.FromResult<IMessageStore>(new InMemoryMessageStore());

    [Fact]
    public async Task Renaming_inbox_tells_the_new_name_only()
    {
        await using var account = await Store.OpenAccountAsync("alice@example.test", default);

        // The in-memory account's defaults exist before anyone listens for them: opening it tells nothing.
        Assert.Empty(Heard());

        // RFC 3501 §6.3.5: renaming INBOX makes the new name, INBOX stays.
        Assert.Equal(StoreStatus.Success, (await account.RenameAsync("INBOX", "Old", default)).Status);
        Assert.Equal([("alice@example.test", "Old")], Heard());
    }
}
