using MailKitServer.Smtp.Outbound.Queue;

namespace MailKitServer.Smtp.Outbound;

/// <summary>A snapshot of one queued message, for inspection.</summary>
/// <param name="Id">The queue id.</param>
/// <param name="ReversePath">The sender.</param>
/// <param name="Size">The size in octets.</param>
/// <param name="ArrivedAt">When it was queued.</param>
/// <param name="Attempts">How many attempts were made.</param>
/// <param name="NextAttemptAt">When the next attempt is due.</param>
/// <param name="Recipients">Each recipient: address, state, status and last diagnostic.</param>
public sealed record QueueEntryInfo(string Id, string ReversePath, long Size, DateTimeOffset ArrivedAt, int Attempts, DateTimeOffset NextAttemptAt, IReadOnlyList<(string Address, RecipientState State, string? Status, string? Diagnostic)> Recipients);
