using System.Collections.Concurrent;

namespace MailKitServer.Smtp.Outbound.Queue;

/// <summary>A queue store in memory: for tests and for the in-memory message store (nothing survives the process).</summary>
public sealed class InMemoryQueueStore : IQueueStore, Runtime.IBlockingHint
{
    /// <summary>Everything is in memory: no call waits on I/O.</summary>
    bool Runtime.IBlockingHint.MayBlock => false;

    private readonly ConcurrentDictionary<string, (QueuedMessage Message, byte[] Content)> _entries = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public async ValueTask<long> AddAsync(QueuedMessage message, Stream content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(content);
        using var copy = new MemoryStream();
        await content.CopyToAsync(copy, cancellationToken).ConfigureAwait(false);
        message.Size = copy.Length;
        _entries[message.Id] = (message, copy.ToArray());
        return copy.Length;
    }

    /// <inheritdoc />
    public ValueTask UpdateAsync(QueuedMessage message, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <inheritdoc />
    public ValueTask<Stream?> OpenContentAsync(string id, CancellationToken cancellationToken) =>
        ValueTask.FromResult<Stream?>(_entries.TryGetValue(id, out var e) ? new MemoryStream(e.Content, writable: false) : null);

    /// <inheritdoc />
    public ValueTask RemoveAsync(string id, CancellationToken cancellationToken)
    {
        _entries.TryRemove(id, out _);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<QueuedMessage>> LoadAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<QueuedMessage>>(_entries.Values.Select(e => e.Message).ToList());
}
