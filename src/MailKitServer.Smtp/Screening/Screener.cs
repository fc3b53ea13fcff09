using MailKitServer.Runtime;
using MailKitServer.Smtp.Screening.Dnsbl;
using MailKitServer.Smtp.Screening.Greylisting;
using MailKitServer.Smtp.Screening.RateLimits;
using Microsoft.Extensions.Logging;

namespace MailKitServer.Smtp.Screening;

/// <summary>The screening state of one <see cref="ScreeningOptions"/> in one server: the DNS list cache, the greylist, the rate counters.</summary>
internal sealed class Screener
{
    public Screener(ScreeningOptions options, MailServerContext context)
    {
        Options = options;
        Logger = context.LoggerFactory.CreateLogger("MailKitServer.Screening");
        Lists = new DnsListChecker(context.Dns, options, context.TimeProvider, Logger);
        Greylist = options.Greylisting is { } greylisting ? new Greylist(greylisting, context.TimeProvider, Logger) : null;
        Rates = options.RateLimits is { } limits ? new RateLimiter(context.TimeProvider, limits.MaxTracked) : null;
    }

    public ScreeningOptions Options { get; }

    public ILogger Logger { get; }

    public DnsListChecker Lists { get; }

    public Greylist? Greylist { get; }

    public RateLimiter? Rates { get; }
}
