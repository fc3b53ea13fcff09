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

    [LoggerMessage(2006, LogLevel.Warning, "Connection {ConnectionId}: a notice for message {MessageId} from the null sender is not sent (RFC 3461 §6.2)")]
    public static partial void NoticeToNullSender(ILogger logger, long connectionId, string messageId);

    [LoggerMessage(2007, LogLevel.Error, "Connection {ConnectionId}: the delivery notice for message {MessageId} could not be sent (the message is stored)")]
    public static partial void NoticeFailed(ILogger logger, Exception exception, long connectionId, string messageId);
}
