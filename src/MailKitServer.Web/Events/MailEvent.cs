namespace MailKitServer.Web.Events;

/// <summary>One Server-Sent Event: its type (<c>message-added</c>, <c>message-deleted</c>, <c>message-flags</c>) and JSON data.</summary>
internal sealed record MailEvent(string Type, string Json);
