namespace MailKitServer.Web.Health;

/// <summary>The body of a health probe.</summary>
internal sealed record HealthReport(string Status, string? Listeners, string? Store);
