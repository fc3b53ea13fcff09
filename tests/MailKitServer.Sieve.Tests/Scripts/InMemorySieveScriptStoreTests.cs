using MailKitServer.Sieve.Scripts;
using MailKitServer.TestSupport.SieveScriptStoreContract;

namespace MailKitServer.Sieve.Tests.Scripts;

/// <summary>The script store contract against the in-memory store ("reopen" is the same instance: there is nothing to reopen).</summary>
public sealed class InMemorySieveScriptStoreTests : SieveScriptStoreContract
{
    private readonly InMemorySieveScriptStore _store = new();

    protected override Task<ISieveScriptStore> CreateStoreAsync() => Task.FromResult<ISieveScriptStore>(_store);

    protected override Task<ISieveScriptStore> ReopenAsync() => Task.FromResult<ISieveScriptStore>(_store);

    protected override Task SetGlobalAsync(string name, string content)
    {
        _store.SetGlobal(name, content);
        return Task.CompletedTask;
    }
}
