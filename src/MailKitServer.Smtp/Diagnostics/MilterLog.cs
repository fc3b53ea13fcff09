using Microsoft.Extensions.Logging;

namespace MailKitServer.Smtp.Diagnostics;

/// <summary>Log messages of the milter chain. Event ids 2400–2449.</summary>
internal static partial class MilterLog
{
    [LoggerMessage(2400, LogLevel.Warning, "Connection {ConnectionId}: the milter at {EndPoint} failed ({Reason}); its default action {Action} applies for the rest of the session")]
    public static partial void Failed(ILogger logger, long connectionId, string endPoint, string reason, Milter.MilterDefaultAction action);

    [LoggerMessage(2401, LogLevel.Information, "Connection {ConnectionId}: the milter at {EndPoint} answered {Action} at {Stage}")]
    public static partial void Decided(ILogger logger, long connectionId, string endPoint, Milter.MilterAction action, string stage);

    [LoggerMessage(2402, LogLevel.Information, "Message {MessageId}: discarded by a milter")]
    public static partial void Discarded(ILogger logger, string messageId);

    [LoggerMessage(2403, LogLevel.Information, "Message {MessageId}: quarantined by a milter: {Reason}")]
    public static partial void Quarantined(ILogger logger, string messageId, string reason);

    [LoggerMessage(2404, LogLevel.Warning, "Message {MessageId}: the recipient <{Recipient}> a milter added cannot be delivered to ({Status}); left out")]
    public static partial void AddedRecipientDropped(ILogger logger, string messageId, string recipient, Users.RecipientStatus status);
}
