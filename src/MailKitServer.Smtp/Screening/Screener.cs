using MailKitServer.Runtime;
using MailKitServer.Smtp.Screening.Dnsbl;
using Microsoft.Extensions.Logging;

namespace MailKitServer.Smtp.Screening;

/// <summary>The screening state of one <see cref="ScreeningOptions"/> in one server: the DNS list cache.</summary>
internal sealed class Screener
{
    public Screener(ScreeningOptions options, MailServerContext context)
    {
        Options = options;
        Logger = context.LoggerFactory.CreateLogger("MailKitServer.Screening");
        Lists = new DnsListChecker(context.Dns, options, context.TimeProvider, Logger);
    }

    public ScreeningOptions Options { get; }

    public ILogger Logger { get; }

    public DnsListChecker Lists { get; }
}
