namespace MailKitServer.Storage;

/// <summary>Where one copy of a delivered message goes.</summary>
/// <param name="UserId">The user id.</param>
/// <param name="Mailbox">The mailbox, usually INBOX.</param>
public sealed record MailboxTarget(string UserId, string Mailbox = "INBOX");
