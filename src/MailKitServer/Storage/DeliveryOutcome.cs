namespace MailKitServer.Storage;

/// <summary>The outcome of delivery to one target.</summary>
/// <param name="Target">The target.</param>
/// <param name="Status">The outcome; only <see cref="StoreStatus.Success"/> means durable.</param>
/// <param name="Uid">The UID the message got in the target mailbox.</param>
/// <param name="Message">An explanation when it failed.</param>
public sealed record DeliveryOutcome(MailboxTarget Target, StoreStatus Status, uint Uid = 0, string? Message = null);
