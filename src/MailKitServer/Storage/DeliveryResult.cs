namespace MailKitServer.Storage;

/// <summary>The outcome of a delivery, one entry per target.</summary>
/// <param name="Outcomes">The outcome for each target, in request order.</param>
public sealed record DeliveryResult(IReadOnlyList<DeliveryOutcome> Outcomes)
{
    /// <summary>Whether every target got the message.</summary>
    public bool AllDelivered => Outcomes.All(o => o.Status == StoreStatus.Success);
}
