using System.Net;
using Microsoft.Extensions.Logging;

namespace MailKitServer.Diagnostics;

/// <summary>Log messages of the connection runtime. Event ids 1000–1099 (1100–1199 for the transcript).</summary>
internal static partial class RuntimeLog
{
    [LoggerMessage(1000, LogLevel.Information, "Listening for {Listener} on {EndPoint} (TLS: {Tls})")]
    public static partial void Listening(ILogger logger, string listener, IPEndPoint endPoint, Runtime.TlsMode tls);

    [LoggerMessage(1001, LogLevel.Debug, "Connection {ConnectionId} from {Remote} on {Listener}")]
    public static partial void Accepted(ILogger logger, long connectionId, IPEndPoint remote, string listener);

    [LoggerMessage(1002, LogLevel.Debug, "Connection {ConnectionId} closed")]
    public static partial void Closed(ILogger logger, long connectionId);

    [LoggerMessage(1003, LogLevel.Warning, "Connection {ConnectionId} from {Remote} rejected: {Reason}")]
    public static partial void Rejected(ILogger logger, long connectionId, IPEndPoint remote, Runtime.ConnectionRejection reason);

    [LoggerMessage(1004, LogLevel.Information, "TLS handshake with connection {ConnectionId} from {Remote} failed: {Reason}")]
    public static partial void TlsHandshakeFailed(ILogger logger, long connectionId, IPEndPoint remote, string reason);

    [LoggerMessage(1005, LogLevel.Warning, "Connection {ConnectionId} sent {Count} octets after the TLS upgrade command; discarded")]
    public static partial void DiscardedBeforeTls(ILogger logger, long connectionId, int count);

    [LoggerMessage(1006, LogLevel.Error, "Connection {ConnectionId} failed")]
    public static partial void ConnectionFailed(ILogger logger, Exception exception, long connectionId);

    [LoggerMessage(1007, LogLevel.Error, "Accepting on {Listener} failed")]
    public static partial void AcceptFailed(ILogger logger, Exception exception, string listener);

    [LoggerMessage(1008, LogLevel.Information, "Shutting down: {Count} connections open, waiting up to {Timeout}")]
    public static partial void ShuttingDown(ILogger logger, int count, TimeSpan timeout);

    [LoggerMessage(1009, LogLevel.Warning, "Shutdown deadline reached: aborting {Count} connections")]
    public static partial void AbortingConnections(ILogger logger, int count);

    [LoggerMessage(1010, LogLevel.Information, "Generated a self-signed development certificate for {Subject} ({Thumbprint})")]
    public static partial void GeneratedCertificate(ILogger logger, string subject, string thumbprint);

    [LoggerMessage(1011, LogLevel.Warning, "Authentication failed for user \"{User}\" from {Address} ({Protocol})")]
    public static partial void AuthenticationFailed(ILogger logger, string user, IPAddress address, string protocol);

    [LoggerMessage(1100, LogLevel.Trace, "[{ConnectionId}] C: {Line}")]
    public static partial void TranscriptClient(ILogger logger, long connectionId, string line);

    [LoggerMessage(1101, LogLevel.Trace, "[{ConnectionId}] S: {Line}")]
    public static partial void TranscriptServer(ILogger logger, long connectionId, string line);

    [LoggerMessage(1102, LogLevel.Trace, "[{ConnectionId}] -- {Note}")]
    public static partial void TranscriptNote(ILogger logger, long connectionId, string note);
}
