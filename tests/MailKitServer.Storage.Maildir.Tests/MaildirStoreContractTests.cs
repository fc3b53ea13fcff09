using MailKitServer.TestSupport.StoreContract;

namespace MailKitServer.Storage.Maildir.Tests;

/// <summary>The store contract every store passes, against the Maildir store.</summary>
public sealed class MaildirStoreContractTests : MessageStoreContract
{
    private readonly string _root = Directory.CreateTempSubdirectory("mks-maildir-contract-").FullName;

    protected override Task<IMessageStore> CreateStoreAsync() => Task.FromResult<IMessageStore>(new MaildirMessageStore(new MaildirStoreOptions { Root = _root }));

    protected override Task DisposeStoreAsync()
    {
        MailKitServer.TestSupport.TempDirectories.Delete(_root);
        return Task.CompletedTask;
    }
}
