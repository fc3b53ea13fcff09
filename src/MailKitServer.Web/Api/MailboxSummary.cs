namespace MailKitServer.Web.Api;

/// <summary>A mailbox with its counts.</summary>
internal sealed record MailboxSummary(string Name, string Role, int Messages, int Unread);
