namespace MailKitServer.Web.Api;

/// <summary>A header field as it appears in the message, decoded.</summary>
internal sealed record HeaderField(string Name, string Value);
