using MailKitServer.TestSupport;

namespace MailKitServer.Storage.PostgreSql.Tests;

/// <summary>One private PostgreSQL server for the test classes of the "postgres" collection.</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private string? _shared;

    public PostgresServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await PostgresServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();

    /// <summary>A database shared by tests that keep apart by user ids.</summary>
    public async Task<string> SharedDatabaseAsync() => _shared ??= await Server.CreateDatabaseAsync();

    /// <summary>Opens the store on a connection string.</summary>
    public static Task<PostgresMailDatabase> OpenAsync(string connectionString, Action<PostgresStoreOptions>? configure = null)
    {
        var options = new PostgresStoreOptions { ConnectionString = connectionString };
        configure?.Invoke(options);
        return PostgresMailDatabase.OpenAsync(options);
    }
}

[CollectionDefinition("postgres")]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>;
