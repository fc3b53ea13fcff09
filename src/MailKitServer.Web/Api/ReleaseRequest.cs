namespace MailKitServer.Web.Api;

/// <summary>The body of <c>POST /api/v1/messages/{id}/release</c>: who to relay a stored message to, and as whom.</summary>
internal sealed record ReleaseRequest(IReadOnlyList<string> To, string? From);
