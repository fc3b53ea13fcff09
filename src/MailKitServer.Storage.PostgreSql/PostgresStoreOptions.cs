using MailKitServer.Storage.PostgreSql.Notifications;
using MailKitServer.Users.InMemory;

namespace MailKitServer.Storage.PostgreSql;

/// <summary>Options of the PostgreSQL store, directory and queue (<see cref="PostgresMailDatabase"/>).</summary>
public sealed class PostgresStoreOptions
{
    /// <summary>The Npgsql connection string, such as <c>Host=db;Username=mail;Password=...;Database=mail</c>. Required.</summary>
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>The special-use mailboxes created, and subscribed, for every new account. INBOX is always created.</summary>
    public IDictionary<string, MailboxRole> DefaultMailboxes { get; } = Storage.DefaultMailboxes.Create();

    /// <summary>The largest message stored, in octets; larger deliveries and appends fail with <see cref="StoreStatus.OverQuota"/>.</summary>
    public long MaxMessageSize { get; set; } = 64L * 1024 * 1024;

    /// <summary>The size of the rows message content is cut into (ranged reads fetch only the rows they need).</summary>
    public int ChunkSize { get; set; } = 256 * 1024;

    /// <summary>The most octets one user may store (all mailboxes) unless the directory gives the user a quota, or <see langword="null"/> for no limit.</summary>
    public long? QuotaBytes { get; set; }

    /// <summary>The most messages one user may store unless the directory gives the user a quota, or <see langword="null"/> for no limit.</summary>
    public long? QuotaMessages { get; set; }

    /// <summary>Password hashing, sub-addressing and alias depth for the user directory (each node answers from a copy in memory).</summary>
    public InMemoryUserDirectoryOptions DirectoryOptions { get; } = new();

    /// <summary>How long a node holds an outbound queue entry it is delivering before another node may take it over.</summary>
    public TimeSpan QueueLease { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often a node looks for queued messages that other nodes enqueued or left behind when they died.</summary>
    public TimeSpan QueuePollInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>This node's name in queue leases (for diagnostics); by default the machine name and process id.</summary>
    public string NodeName { get; set; } = $"{Environment.MachineName}:{Environment.ProcessId}";

    /// <summary>
    /// Carries change hints between nodes, or <see langword="null"/> for <see cref="PostgresChangeNotifier"/>
    /// (LISTEN/NOTIFY on the same database).
    /// </summary>
    public IMailboxChangeNotifier? Notifier { get; set; }
}
