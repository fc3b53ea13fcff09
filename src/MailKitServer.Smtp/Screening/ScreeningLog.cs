using Microsoft.Extensions.Logging;

namespace MailKitServer.Smtp.Screening;

/// <summary>Log messages of client screening (DNS lists, greylisting, rate limits). Event ids 2600–2699.</summary>
internal static partial class ScreeningLog
{
    [LoggerMessage(2600, LogLevel.Information, "Connection {ConnectionId}: client {Client} refused at RCPT: listed by {Zone} ({Answer})")]
    public static partial void Blocked(ILogger logger, long connectionId, string client, string zone, string answer);

    [LoggerMessage(2601, LogLevel.Debug, "Connection {ConnectionId}: client {Client} allowed by {Zone} ({Answer}): block lists and greylisting skipped")]
    public static partial void Allowed(ILogger logger, long connectionId, string client, string zone, string answer);

    [LoggerMessage(2602, LogLevel.Warning, "DNS list {Zone}: the lookup of {Name} failed ({Error}); it counts as not listed")]
    public static partial void ListFailed(ILogger logger, string zone, string name, string error);

    [LoggerMessage(2603, LogLevel.Warning, "DNS lists: not every list answered about {Client} within {TimeoutMs} ms; those count as not listing it")]
    public static partial void ListsTimedOut(ILogger logger, string client, double timeoutMs);

    [LoggerMessage(2610, LogLevel.Information, "Greylisted {Triplet}: its retry is taken after {DelaySeconds} s")]
    public static partial void Greylisted(ILogger logger, string triplet, double delaySeconds);

    [LoggerMessage(2611, LogLevel.Information, "Greylisting passed {Triplet}, retried after {WaitedSeconds} s")]
    public static partial void GreylistPassed(ILogger logger, string triplet, double waitedSeconds);

    [LoggerMessage(2612, LogLevel.Error, "The greylisting store failed for {Triplet} ({Error}); the mail passes")]
    public static partial void GreylistStoreFailed(ILogger logger, string triplet, string error);
}
