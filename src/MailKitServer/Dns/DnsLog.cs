using Microsoft.Extensions.Logging;

namespace MailKitServer.Dns;

/// <summary>Log messages of the DNS resolver.</summary>
internal static partial class DnsLog
{
    [LoggerMessage(EventId = 1500, Level = LogLevel.Warning, Message = "DNS lookup of {Name} {Type} failed: {Error}")]
    public static partial void LookupFailed(ILogger logger, string name, string type, string error);
}
