namespace MailKitServer.Web.Events;

/// <summary>The data of a <c>message-deleted</c> event.</summary>
internal sealed record MessageRemoved(string Id, string User, string Mailbox);
