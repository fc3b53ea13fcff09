using MailKitServer.Storage;
using MailKitServer.Storage.InMemory;
using MailKitServer.TestSupport.StoreContract;

namespace MailKitServer.Tests.Storage;

/// <summary>The access control list contract, against the in-memory store.</summary>
public sealed class InMemoryMailboxAclStoreTests : MailboxAclStoreContract
{
    protected override Task<IMessageStore> CreateStoreAsync() => Task.FromResult<IMessageStore>(new InMemoryMessageStore());
}
