namespace MailKitServer.Storage.PostgreSql.Notifications;

/// <summary>
/// Carries change hints between the nodes that share one database. The default,
/// <see cref="PostgresChangeNotifier"/>, uses PostgreSQL's LISTEN/NOTIFY; another transport (a message bus) can
/// take its place. Hints published on this node must reach this node's subscribers too.
/// </summary>
public interface IMailboxChangeNotifier : IAsyncDisposable
{
    /// <summary>Starts listening for other nodes' hints.</summary>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>A task that completes when hints published from now on will be received.</returns>
    ValueTask StartAsync(CancellationToken cancellationToken);

    /// <summary>Publishes a hint after the change is committed. Must not block; may drop a hint under pressure.</summary>
    void Publish(MailboxChangeHint hint);

    /// <summary>Subscribes to hints from every node, this one included.</summary>
    /// <param name="handler">Called for each hint, on a thread-pool thread; must not block.</param>
    /// <returns>Dispose to unsubscribe.</returns>
    IDisposable Subscribe(Action<MailboxChangeHint> handler);
}
