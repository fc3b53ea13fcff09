using Microsoft.Extensions.Logging;

namespace MailKitServer.Smtp.Diagnostics;

/// <summary>Log messages of the SMTP engine. Event ids 2000–2099.</summary>
internal static partial class SmtpLog
{
    [LoggerMessage(2000, LogLevel.Information, "Connection {ConnectionId}: message {MessageId} from <{Sender}> accepted for {Recipients} recipients, {Size} octets")]
    public static partial void MessageAccepted(ILogger logger, long connectionId, string messageId, string sender, int recipients, long size);

    [LoggerMessage(2001, LogLevel.Error, "Connection {ConnectionId}: delivery of message {MessageId} failed")]
    public static partial void DeliveryFailed(ILogger logger, Exception exception, long connectionId, string messageId);

    [LoggerMessage(2002, LogLevel.Warning, "Connection {ConnectionId}: delivery of message {MessageId} to {Target} failed: {Status} {Reason}")]
    public static partial void TargetFailed(ILogger logger, long connectionId, string messageId, string target, Storage.StoreStatus status, string? reason);

    [LoggerMessage(2003, LogLevel.Information, "Connection {ConnectionId}: authentication as {User} failed ({Mechanism})")]
    public static partial void AuthenticationFailed(ILogger logger, long connectionId, string? user, string mechanism);

    [LoggerMessage(2004, LogLevel.Information, "Connection {ConnectionId}: authenticated as {User} ({Mechanism})")]
    public static partial void Authenticated(ILogger logger, long connectionId, string user, string mechanism);

    [LoggerMessage(2005, LogLevel.Information, "Connection {ConnectionId}: closed after {Errors} errors")]
    public static partial void TooManyErrors(ILogger logger, long connectionId, int errors);
}
