using MailKitServer.Runtime;
using MailKitServer.Storage.PostgreSql.Directory;
using MailKitServer.Storage.PostgreSql.Notifications;
using MailKitServer.Storage.PostgreSql.Queue;
using MailKitServer.Storage.PostgreSql.Schema;
using MailKitServer.Storage.PostgreSql.Store;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace MailKitServer.Storage.PostgreSql;

/// <summary>
/// One PostgreSQL database shared by every server node of an organisation: the message store, and (with the
/// directory and queue built on it) users and the outbound queue. <see cref="OpenAsync"/> checks the connection,
/// migrates the schema (one node at a time; the others wait) and starts listening for other nodes' changes.
/// </summary>
public sealed class PostgresMailDatabase : IAsyncDisposable
{
    private readonly bool _ownsNotifier;

    private PostgresMailDatabase(NpgsqlDataSource dataSource, PostgresStoreOptions options, IMailboxChangeNotifier notifier, bool ownsNotifier, int schemaVersionFound)
    {
        DataSource = dataSource;
        Notifier = notifier;
        _ownsNotifier = ownsNotifier;
        SchemaVersionFound = schemaVersionFound;
        MessageStore = new PostgresMessageStore(dataSource, options, notifier);
        Directory = new PostgresUserDirectory(dataSource, notifier, options.DirectoryOptions);
        QueueStore = new PostgresQueueStore(dataSource, options);
    }

    /// <summary>The message store.</summary>
    public PostgresMessageStore MessageStore { get; }

    /// <summary>The user directory (users, aliases, domains, quotas) every node shares.</summary>
    public PostgresUserDirectory Directory { get; }

    /// <summary>The outbound queue every node shares.</summary>
    public PostgresQueueStore QueueStore { get; }

    /// <summary>The notifier carrying change hints between nodes.</summary>
    public IMailboxChangeNotifier Notifier { get; }

    /// <summary>The schema version the database had before this node opened it (0 for a new database).</summary>
    public int SchemaVersionFound { get; }

    /// <summary>The schema version this code migrates to.</summary>
    public static int SchemaVersion => SchemaMigrations.Latest;

    internal NpgsqlDataSource DataSource { get; }

    /// <summary>Connects, migrates the schema if needed and starts change notifications.</summary>
    /// <param name="options">The options; <see cref="PostgresStoreOptions.ConnectionString"/> is required.</param>
    /// <param name="loggerFactory">Logging, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The database.</returns>
    /// <exception cref="MailServerOptionsException">The connection string is missing or wrong, or the database refuses the login; the message names <see cref="PostgresStoreOptions.ConnectionString"/> and the server's reason.</exception>
    public static async Task<PostgresMailDatabase> OpenAsync(PostgresStoreOptions options, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        NpgsqlDataSource dataSource;
        try
        {
            var builder = new NpgsqlDataSourceBuilder(options.ConnectionString);
            if (loggerFactory is not null)
            {
                builder.UseLoggerFactory(loggerFactory);
            }

            dataSource = builder.Build();
        }
        catch (ArgumentException ex)
        {
            throw new MailServerOptionsException($"PostgresStoreOptions.ConnectionString is not a valid connection string: {ex.Message}", ex);
        }

        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            throw new MailServerOptionsException("PostgresStoreOptions.ConnectionString is required.");
        }

        try
        {
            int found;
            try
            {
                found = await SchemaMigrator.MigrateAsync(dataSource, cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification or PostgresErrorCodes.InvalidCatalogName)
            {
                var csb = new NpgsqlConnectionStringBuilder(options.ConnectionString);
                throw new MailServerOptionsException(
                    $"PostgresStoreOptions.ConnectionString: the database at {csb.Host}:{csb.Port} refused user '{csb.Username}' for database '{csb.Database ?? csb.Username}': {ex.MessageText} ({ex.SqlState}).", ex);
            }
            catch (Exception ex) when (PgGuard.IsUnavailable(ex) || ex is NpgsqlException)
            {
                var csb = new NpgsqlConnectionStringBuilder(options.ConnectionString);
                throw new MailServerOptionsException($"PostgresStoreOptions.ConnectionString: cannot reach the database at {csb.Host}:{csb.Port}: {ex.Message}", ex);
            }

            var notifier = options.Notifier ?? new PostgresChangeNotifier(dataSource, loggerFactory?.CreateLogger("MailKitServer.PostgreSql.Notifications"));
            await notifier.StartAsync(cancellationToken).ConfigureAwait(false);
            var database = new PostgresMailDatabase(dataSource, options, notifier, options.Notifier is null, found);
            await database.Directory.ReloadAsync(cancellationToken).ConfigureAwait(false);
            return database;
        }
        catch
        {
            await dataSource.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        MessageStore.Dispose();
        Directory.Dispose();
        if (_ownsNotifier)
        {
            await Notifier.DisposeAsync().ConfigureAwait(false);
        }

        await DataSource.DisposeAsync().ConfigureAwait(false);
    }
}
