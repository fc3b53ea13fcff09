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

    [LoggerMessage(7005, LogLevel.Information, "ManageSieve connection {ConnectionId}: {User} unauthenticated")]
    public static partial void Unauthenticated(ILogger logger, long connectionId, string user);

    [LoggerMessage(7006, LogLevel.Warning, "ManageSieve connection {ConnectionId}: the script store is unavailable ({Error}); answered NO (TRYLATER)")]
    public static partial void StoreUnavailable(ILogger logger, long connectionId, string error);

    [LoggerMessage(7008, LogLevel.Information, "Sieve: the script of {User} redirects a message from <{Sender}> to <{Target}>")]
    public static partial void Redirected(ILogger logger, string user, string sender, string target);

    [LoggerMessage(7007, LogLevel.Warning, "Sieve: redirect of {User} to <{Target}> not sent: the message was already redirected by {User} (a loop); the message is kept")]
    public static partial void RedirectLoop(ILogger logger, string user, string target);
}
