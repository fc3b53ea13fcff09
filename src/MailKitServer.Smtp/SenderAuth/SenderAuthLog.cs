using Microsoft.Extensions.Logging;

namespace MailKitServer.Smtp.SenderAuth;

/// <summary>Log messages of sender authentication. Event ids 2300–2399.</summary>
internal static partial class SenderAuthLog
{
    [LoggerMessage(2300, LogLevel.Information, "Connection {ConnectionId}: spf={Spf} dkim={Dkim} dmarc={Dmarc} arc={Arc} for <{Sender}> from {Client}: {Verdict}")]
    public static partial void Checked(ILogger logger, long connectionId, string spf, string dkim, string dmarc, string arc, string sender, string client, string verdict);

    [LoggerMessage(2301, LogLevel.Warning, "The Public Suffix List {Path} could not be read: DMARC finds organizational domains with the default rule only (the last two labels)")]
    public static partial void NoPublicSuffixList(ILogger logger, string path);

    [LoggerMessage(2302, LogLevel.Warning, "Connection {ConnectionId}: removed {Count} Authentication-Results field(s) claiming to be ours ({AuthServId}) from the incoming message (RFC 8601 §5)")]
    public static partial void RemovedForgedResults(ILogger logger, long connectionId, int count, string authServId);

    [LoggerMessage(2303, LogLevel.Warning, "Connection {ConnectionId}: the message could not be parsed for DKIM, DMARC and ARC: {Reason}")]
    public static partial void Unparsable(ILogger logger, long connectionId, string reason);
}
