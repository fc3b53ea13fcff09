namespace MailKitServer.Web.Api;

/// <summary>The body of <c>POST /api/v1/send</c>: a message composed over the API.</summary>
internal sealed record SendRequest(string From, IReadOnlyList<string> To, IReadOnlyList<string>? Cc, string? Subject, string? Text, string? Html);
