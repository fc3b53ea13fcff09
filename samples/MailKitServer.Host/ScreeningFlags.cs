using MailKitServer.Smtp.Screening;
using MailKitServer.Smtp.Screening.Dnsbl;

namespace MailKitServer.Host;

/// <summary>The command-line options of client screening on the SMTP port: --dnsbl and --dnswl.</summary>
internal sealed class ScreeningFlags
{
    public static string Usage => """
          client screening on the SMTP port (authenticated clients are exempt):
          --dnsbl ZONE[=CODES]        refuse clients a DNS block list names (repeatable), 554 at RCPT TO; CODES
                                      picks the answers that count: 127.0.0.2,127.0.0.4-7,&8 (default: any
                                      127.0.0.0/8 answer but 127.0.0.1 and 127.255.255.x)
          --dnswl ZONE[=CODES]        clients a DNS allow list names skip the block lists (repeatable)
        """;

    public List<DnsListZone> BlockLists { get; } = [];

    public List<DnsListZone> AllowLists { get; } = [];

    /// <summary>Whether any screening was asked for.</summary>
    public bool Any => BlockLists.Count > 0 || AllowLists.Count > 0;

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
                default:
                    return false;
            }
        }
        catch (FormatException ex)
        {
            throw new ArgumentException($"{arg}: {ex.Message}", ex);
        }
    }

    /// <summary>The options for the SMTP listener, or <see langword="null"/> when no screening was asked for.</summary>
    public ScreeningOptions? Build()
    {
        if (!Any)
        {
            return null;
        }

        var options = new ScreeningOptions();
        BlockLists.ForEach(options.BlockLists.Add);
        AllowLists.ForEach(options.AllowLists.Add);
        return options;
    }
}
