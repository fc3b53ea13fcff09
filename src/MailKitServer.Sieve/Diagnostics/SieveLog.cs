using Microsoft.Extensions.Logging;

namespace MailKitServer.Sieve.Diagnostics;

/// <summary>Log messages of Sieve filtering and ManageSieve. Event ids 7000–7099.</summary>
internal static partial class SieveLog
{
    [LoggerMessage(7000, LogLevel.Warning, "Sieve: the active script '{Script}' of {User} does not compile ({Error}); the message is kept")]
    public static partial void CompileFailed(ILogger logger, string user, string script, string error);

    [LoggerMessage(7001, LogLevel.Warning, "Sieve: the script '{Script}' of {User} failed ({Error}); the message is kept")]
    public static partial void RunFailed(ILogger logger, string user, string script, string error);

    [LoggerMessage(7002, LogLevel.Information, "Sieve: vacation reply of {User} to <{Sender}> not sent: {Reason}")]
    public static partial void VacationSkipped(ILogger logger, string user, string sender, string reason);

    [LoggerMessage(7003, LogLevel.Information, "ManageSieve connection {ConnectionId}: authenticated as {User} ({Mechanism})")]
    public static partial void Authenticated(ILogger logger, long connectionId, string user, string mechanism);

    [LoggerMessage(7004, LogLevel.Information, "ManageSieve connection {ConnectionId}: authentication as {User} failed ({Mechanism})")]
    public static partial void AuthenticationFailed(ILogger logger, long connectionId, string? user, string mechanism);
}
