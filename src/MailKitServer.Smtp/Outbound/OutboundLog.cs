using Microsoft.Extensions.Logging;

namespace MailKitServer.Smtp.Outbound;

/// <summary>Log messages of outbound delivery.</summary>
internal static partial class OutboundLog
{
    [LoggerMessage(EventId = 2100, Level = LogLevel.Information, Message = "{QueueId}: queued from <{Sender}> for {Count} recipient(s), {Size} octets")]
    public static partial void Queued(ILogger logger, string queueId, string sender, int count, long size);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "{QueueId}: to=<{Recipient}> relay={Relay} status={State} ({Diagnostic})")]
    public static partial void RecipientOutcome(ILogger logger, string queueId, string recipient, string relay, string state, string diagnostic);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Information, Message = "{QueueId}: sender notified ({Action}) for {Count} recipient(s)")]
    public static partial void Notified(ILogger logger, string queueId, string action, int count);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Information, Message = "{QueueId}: removed ({Reason})")]
    public static partial void Removed(ILogger logger, string queueId, string reason);

    [LoggerMessage(EventId = 2104, Level = LogLevel.Error, Message = "{QueueId}: delivery attempt failed unexpectedly; retried on the schedule")]
    public static partial void AttemptCrashed(ILogger logger, string queueId, Exception exception);

    [LoggerMessage(EventId = 2105, Level = LogLevel.Information, Message = "Outbound queue started with {Count} message(s) waiting")]
    public static partial void Started(ILogger logger, int count);

    [LoggerMessage(EventId = 2107, Level = LogLevel.Warning, Message = "{QueueId}: the notice for <{Sender}> could not be stored in its mailbox: {Status}")]
    public static partial void NoticeNotStored(ILogger logger, string queueId, string sender, string status);

    [LoggerMessage(EventId = 2108, Level = LogLevel.Warning, Message = "{QueueId}: the notice for <{Sender}> is not sent: this server has no outbound queue")]
    public static partial void NoticeNotQueued(ILogger logger, string queueId, string sender);

    [LoggerMessage(EventId = 2109, Level = LogLevel.Warning, Message = "MTA-STS policy of {Domain} could not be fetched: {Error}")]
    public static partial void MtaStsFetchFailed(ILogger logger, string domain, string error);

    [LoggerMessage(EventId = 2110, Level = LogLevel.Warning, Message = "MTA-STS policy of {Domain} (mode testing) would refuse MX host {Host}: it matches no mx pattern")]
    public static partial void MtaStsTestingMismatch(ILogger logger, string domain, string host);

    [LoggerMessage(EventId = 2111, Level = LogLevel.Information, Message = "{QueueId}: TLS report for {Domain} ({Day}) queued to <{Recipient}>")]
    public static partial void TlsReportQueued(ILogger logger, string queueId, string domain, string day, string recipient);

    [LoggerMessage(EventId = 2112, Level = LogLevel.Warning, Message = "TLS report for {Domain} not sent: {Error}")]
    public static partial void TlsReportFailed(ILogger logger, string domain, string error);

    [LoggerMessage(EventId = 2106, Level = LogLevel.Warning, Message = "{QueueId}: a notice for the null sender is not sent (RFC 3461 §6.2); dropped")]
    public static partial void NoticeToNullSender(ILogger logger, string queueId);
}
