using MailKitServer.Storage;

namespace MailKitServer.Delivery;

/// <summary>What a <see cref="IDeliveryFilter"/> decides on: one user's copy of a message.</summary>
/// <param name="Target">The mailbox the directory resolved (its user owns the rules).</param>
/// <param name="Recipient">The envelope recipient (RCPT TO) that led to the user.</param>
/// <param name="ReversePath">The envelope sender, empty for <c>&lt;&gt;</c>.</param>
/// <param name="OpenContent">Opens the message as it will be stored (trace headers included); each call gives a new stream.</param>
/// <param name="Size">The size of that content in octets.</param>
/// <param name="ArrivedAt">When the message arrived.</param>
internal sealed record FilterInput(MailboxTarget Target, string Recipient, string ReversePath, Func<Stream> OpenContent, long Size, DateTimeOffset ArrivedAt);
