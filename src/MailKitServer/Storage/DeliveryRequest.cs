namespace MailKitServer.Storage;

/// <summary>A delivery: the envelope as SMTP gave it and the mailboxes the directory resolved.</summary>
/// <param name="ReversePath">The envelope sender, empty for the null reverse-path <c>&lt;&gt;</c>.</param>
/// <param name="Targets">The mailboxes to deliver to; each gets one copy.</param>
/// <param name="InternalDate">The internal date to record.</param>
public sealed record DeliveryRequest(string ReversePath, IReadOnlyList<MailboxTarget> Targets, DateTimeOffset InternalDate);
