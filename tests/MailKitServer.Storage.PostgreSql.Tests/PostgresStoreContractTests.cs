using MailKitServer.TestSupport.StoreContract;

namespace MailKitServer.Storage.PostgreSql.Tests;

/// <summary>The store contract every store passes, against PostgreSQL.</summary>
[Collection("postgres")]
public sealed class PostgresStoreContractTests(PostgresFixture fixture) : MessageStoreContract
{
    private PostgresMailDatabase? _database;

    protected override async Task<IMessageStore> CreateStoreAsync()
    {
        _database = await PostgresFixture.OpenAsync(await fixture.SharedDatabaseAsync());
        return _database.MessageStore;
    }

    protected override async Task DisposeStoreAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
