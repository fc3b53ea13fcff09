namespace MailKitServer.Smtp.Outbound.Queue;

/// <summary>
/// Where the outbound queue keeps its messages. Every method returns only once the change is durable (a message
/// acknowledged with 250 survives a crash). The default keeps files in a directory (<see cref="FileQueueStore"/>) or
/// memory (<see cref="InMemoryQueueStore"/>); a database store can take it over.
/// </summary>
public interface IQueueStore
{
    /// <summary>Adds a message and its content; sets <see cref="QueuedMessage.Size"/> before the entry is saved.</summary>
    /// <param name="message">The entry.</param>
    /// <param name="content">The content, read to its end.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The content's size in octets.</returns>
    ValueTask<long> AddAsync(QueuedMessage message, Stream content, CancellationToken cancellationToken);

    /// <summary>Saves the entry's changed state.</summary>
    /// <param name="message">The entry.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the state is durable.</returns>
    ValueTask UpdateAsync(QueuedMessage message, CancellationToken cancellationToken);

    /// <summary>Opens a message's content.</summary>
    /// <param name="id">The queue id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The content, or null if the entry is gone.</returns>
    ValueTask<Stream?> OpenContentAsync(string id, CancellationToken cancellationToken);

    /// <summary>Removes an entry and its content.</summary>
    /// <param name="id">The queue id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the entry is gone.</returns>
    ValueTask RemoveAsync(string id, CancellationToken cancellationToken);

    /// <summary>Loads every entry (at start, to resume after a restart).</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The entries.</returns>
    ValueTask<IReadOnlyList<QueuedMessage>> LoadAsync(CancellationToken cancellationToken);
}
