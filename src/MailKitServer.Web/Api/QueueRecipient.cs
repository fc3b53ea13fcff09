namespace MailKitServer.Web.Api;

/// <summary>One recipient of a queued message: its state and the last answer of the next hop.</summary>
internal sealed record QueueRecipient(string Address, string State, string? Status, string? Diagnostic);
