using MailKitServer.Storage;
using MailKitServer.Storage.InMemory;
using MailKitServer.TestSupport.StoreContract;

namespace MailKitServer.Tests.Storage;

/// <summary>The store contract every store passes, against the in-memory store.</summary>
public class InMemoryMessageStoreTests : MessageStoreContract
{
    protected override Task<IMessageStore> CreateStoreAsync() => Task.FromResult<IMessageStore>(new InMemoryMessageStore());
}
