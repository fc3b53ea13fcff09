using MailKitServer.Sieve.PostgreSql;
using MailKitServer.Sieve.Scripts;
using MailKitServer.TestSupport.SieveScriptStoreContract;

namespace MailKitServer.Storage.PostgreSql.Tests;

/// <summary>
/// The Sieve script store contract against PostgreSQL; "reopen" is a second node (its own database handle and
/// connection pool) on the same database.
/// </summary>
[Collection("postgres")]
public sealed class PostgresSieveScriptStoreTests(PostgresFixture fixture) : SieveScriptStoreContract
{
    private readonly List<PostgresMailDatabase> _databases = [];
    private PostgresSieveScriptStore? _store;

    protected override async Task<ISieveScriptStore> CreateStoreAsync() => _store = await OpenAsync();

    protected override async Task<ISieveScriptStore> ReopenAsync() => await OpenAsync();

    protected override Task SetGlobalAsync(string name, string content) => _store!.SetGlobalAsync(name, content);

    protected override async Task DisposeStoreAsync()
    {
        foreach (var database in _databases)
        {
            await database.DisposeAsync();
        }
    }

    private async Task<PostgresSieveScriptStore> OpenAsync()
    {
        var database = await PostgresFixture.OpenAsync(await fixture.SharedDatabaseAsync());
        _databases.Add(database);
        return new PostgresSieveScriptStore(database);
    }
}
