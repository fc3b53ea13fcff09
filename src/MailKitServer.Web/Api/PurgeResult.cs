namespace MailKitServer.Web.Api;

/// <summary>What a purge removed.</summary>
internal sealed record PurgeResult(int Removed);
