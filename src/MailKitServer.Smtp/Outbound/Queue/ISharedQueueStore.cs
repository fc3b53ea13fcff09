namespace MailKitServer.Smtp.Outbound.Queue;

/// <summary>
/// A queue store that several server nodes share (a database). Before each delivery attempt a node claims the entry
/// for <see cref="Lease"/>, renews the claim while the attempt runs, and gives it up with
/// <see cref="IQueueStore.UpdateAsync"/> or <see cref="IQueueStore.RemoveAsync"/>; an entry claimed by a live node is
/// never attempted by another, and a dead node's entries are taken over once its lease runs out.
/// </summary>
public interface ISharedQueueStore : IQueueStore
{
    /// <summary>How long a claim lasts without renewal.</summary>
    TimeSpan Lease { get; }

    /// <summary>How often a node looks for due entries that other nodes enqueued or left behind.</summary>
    TimeSpan PollInterval { get; }

    /// <summary>Claims an entry for an attempt by this node.</summary>
    /// <param name="id">The queue id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The entry as stored now, or <see langword="null"/> when it is gone or another node holds it.</returns>
    ValueTask<QueuedMessage?> TryClaimAsync(string id, CancellationToken cancellationToken);

    /// <summary>Extends this node's claim on an entry by another <see cref="Lease"/>.</summary>
    /// <param name="id">The queue id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="false"/> when the claim was lost (it ran out and another node took the entry).</returns>
    ValueTask<bool> RenewAsync(string id, CancellationToken cancellationToken);

    /// <summary>The entries due by <paramref name="now"/> that no live node holds.</summary>
    /// <param name="now">The time.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The entries (not claimed: claim each before attempting it).</returns>
    ValueTask<IReadOnlyList<QueuedMessage>> LoadDueAsync(DateTimeOffset now, CancellationToken cancellationToken);
}
