using System.Globalization;
using MailKitServer.Smtp.Screening;
using MailKitServer.Smtp.Screening.Dnsbl;
using MailKitServer.Smtp.Screening.Greylisting;
using MailKitServer.Smtp.Screening.RateLimits;

namespace MailKitServer.Host;

/// <summary>The command-line options of client screening: --dnsbl, --dnswl, --greylist and --rate-limit.</summary>
internal sealed class ScreeningFlags
{
    public static string Usage => """
          client screening (authenticated clients meet only their user's rate limits):
          --dnsbl ZONE[=CODES]        refuse clients a DNS block list names (repeatable), 554 at RCPT TO on the
                                      SMTP port; CODES picks the answers that count: 127.0.0.2,127.0.0.4-7,&8
                                      (default: any 127.0.0.0/8 answer but 127.0.0.1 and 127.255.255.x)
          --dnswl ZONE[=CODES]        clients a DNS allow list names skip block lists and greylisting (repeatable)
          --greylist DELAY            greylist (client /24 or /64, sender, recipient) triplets on the SMTP port:
                                      451 4.7.1 until DELAY (e.g. 5m) passed; kept in .greylist of a Maildir
                                      store or in the PostgreSQL store's database (shared by its nodes)
          --rate-limit [client:|user:]messages|recipients=N/PERIOD
          --rate-limit N/PERIOD       messages (MAIL FROM) or recipients (RCPT TO) per client address or per
                                      authenticated user, 451 4.7.1 past it (N/PERIOD alone: messages, both;
                                      PERIOD in s, m, h, d; repeatable); counted in this process only
          --rate-limit recipients-per-message=N
                                      452 4.5.3 past N recipients in one message
        """;

    public List<DnsListZone> BlockLists { get; } = [];

    public List<DnsListZone> AllowLists { get; } = [];

    public TimeSpan? GreylistDelay { get; private set; }

    public RateLimitOptions? RateLimits { get; private set; }

    /// <summary>Takes <paramref name="arg"/> if it is a screening option, its value from <paramref name="next"/>.</summary>
    /// <returns><see langword="false"/> when <paramref name="arg"/> is not a screening option.</returns>
    /// <exception cref="ArgumentException">The value is not valid.</exception>
    public bool TryParse(string arg, Func<string> next)
    {
        try
        {
            switch (arg)
            {
                case "--dnsbl":
                    BlockLists.Add(DnsListZone.Parse(next()));
                    return true;
                case "--dnswl":
                    AllowLists.Add(DnsListZone.Parse(next()));
                    return true;
                case "--greylist":
                    GreylistDelay = Durations.Parse(next(), arg);
                    return true;
                case "--rate-limit":
                    AddRateLimit(next());
                    return true;
                default:
                    return false;
            }
        }
        catch (FormatException ex)
        {
            throw new ArgumentException($"{arg}: {ex.Message}", ex);
        }
    }

    /// <summary>The screening options of the SMTP listeners, or <see langword="null"/> when none was asked for.</summary>
    /// <param name="greylistStore">Makes the store greylisting keeps its records in (asked only with --greylist).</param>
    public ScreeningOptions? Build(Func<IGreylistStore> greylistStore)
    {
        if (BlockLists.Count == 0 && AllowLists.Count == 0 && GreylistDelay is null && RateLimits is null)
        {
            return null;
        }

        var options = new ScreeningOptions { RateLimits = RateLimits };
        BlockLists.ForEach(options.BlockLists.Add);
        AllowLists.ForEach(options.AllowLists.Add);
        if (GreylistDelay is { } delay)
        {
            options.Greylisting = new GreylistOptions
            {
                Delay = delay,
                RetryWindow = delay * 2 > TimeSpan.FromDays(2) ? delay * 2 : TimeSpan.FromDays(2),
                Store = greylistStore(),
            };
        }

        return options;
    }

    private void AddRateLimit(string text)
    {
        var limits = RateLimits ??= new RateLimitOptions();
        var eq = text.IndexOf('=', StringComparison.Ordinal);
        if (eq < 0)
        {
            limits.MessagesPerClient = limits.MessagesPerUser = RateLimit.Parse(text);
            return;
        }

        var what = text[..eq];
        var value = text[(eq + 1)..];
        if (what == "recipients-per-message")
        {
            limits.RecipientsPerMessage = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
                ? n
                : throw new FormatException($"'{value}' is not a positive number of recipients.");
            return;
        }

        var colon = what.IndexOf(':', StringComparison.Ordinal);
        var scope = colon < 0 ? "both" : what[..colon];
        var kind = colon < 0 ? what : what[(colon + 1)..];
        var limit = RateLimit.Parse(value);
        switch (scope, kind)
        {
            case ("both" or "client", "messages"):
                limits.MessagesPerClient = limit;
                break;
            case ("both" or "client", "recipients"):
                limits.RecipientsPerClient = limit;
                break;
            default:
                break;
        }

        switch (scope, kind)
        {
            case ("both" or "user", "messages"):
                limits.MessagesPerUser = limit;
                break;
            case ("both" or "user", "recipients"):
                limits.RecipientsPerUser = limit;
                break;
            case ("client", "messages" or "recipients"):
                break;
            default:
                throw new FormatException($"'{text}' is not [client:|user:]messages=N/PERIOD, [client:|user:]recipients=N/PERIOD, recipients-per-message=N or N/PERIOD.");
        }
    }
}
