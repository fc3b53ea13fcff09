namespace MailKitServer.Web.Api;

/// <summary>Where a sent or released message went.</summary>
/// <param name="Delivered">The local accounts it was stored for.</param>
/// <param name="Queued">The remote recipients queued for delivery.</param>
/// <param name="QueueId">The outbound queue's id of the message, when any recipient was queued.</param>
/// <param name="Refused">Recipients that were not taken, each with why.</param>
internal sealed record SubmitResult(IReadOnlyList<string> Delivered, IReadOnlyList<string> Queued, string? QueueId, IReadOnlyList<string> Refused);
