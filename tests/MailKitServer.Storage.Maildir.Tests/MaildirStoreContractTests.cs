using MailKitServer.TestSupport.StoreContract;

namespace MailKitServer.Storage.Maildir.Tests;

/// <summary>The store contract every store passes, against the Maildir store.</summary>
public sealed class MaildirStoreContractTests : MessageStoreContract
{
    private readonly string _root = Directory.CreateTempSubdirectory("mks-maildir-contract-").FullName;

    protected override Task<IMessageStore> CreateStoreAsync() => Task.FromResult<IMessageStore>(new MaildirMessageStore(new MaildirStoreOptions { Root = _root }));

    protected override async Task DisposeStoreAsync()
    {
        // The store saves indexes in the background: it stops (and finishes what it started) before its folder goes.
        await ((MaildirMessageStore)Store).DisposeAsync();
        MailKitServer.TestSupport.TempDirectories.Delete(_root);
    }
}
