using System.Globalization;
using System.Net;

namespace MailKitServer.Host;

/// <summary>The command line of the host: what to listen on, which users and aliases, which store.</summary>
internal sealed class HostOptions
{
    private string? _demoUser;

    public IPAddress Bind { get; private set; } = IPAddress.Loopback;

    public Dictionary<string, int> Ports { get; } = new(StringComparer.Ordinal)
    {
        ["smtp"] = 2525,
        ["submission"] = 2587,
        ["smtps"] = 2465,
        ["pop3"] = 2110,
        ["pop3s"] = 2995,
        ["imap"] = 2143,
        ["imaps"] = 2993,
        ["managesieve"] = 4190,
        ["http"] = 8025,
    };

    public List<string> Domains { get; } = [];

    public List<(string Address, string Password)> Users { get; } = [];

    /// <summary>Whether <paramref name="address"/> is the demo user made because no --user was given.</summary>
    public bool IsDemoUser(string address) => address == _demoUser;

    public List<(string Address, string[] Targets)> Aliases { get; } = [];

    /// <summary>--quota ADDR=STORAGE_KB[,MESSAGES], repeatable: per-user limits kept by the directory ("-" = the store's default).</summary>
    public Dictionary<string, Users.UserQuota> Quotas { get; } = new(StringComparer.OrdinalIgnoreCase);

    public string Store { get; private set; } = "maildir:./maildata";

    public bool InsecureAuth { get; private set; }

    public string? CertificatePath { get; private set; }

    public string? CertificatePassword { get; private set; }

    public string? Dns { get; private set; }

    public int? RelayPort { get; private set; }

    public string? SmartHost { get; private set; }

    public (string User, string Password)? SmartHostAuth { get; private set; }

    public List<TimeSpan> RetrySchedule { get; } = [];

    public TimeSpan? QueueLifetime { get; private set; }

    public TimeSpan? DelayNotice { get; private set; }

    public int? MaxConnections { get; private set; }

    public int? MaxConnectionsPerAddress { get; private set; }

    public string LogLevel { get; private set; } = "Warning";

    /// <summary>--dkim-key DOMAIN:SELECTOR:KEYFILE.pem, repeatable.</summary>
    public List<(string Domain, string Selector, string KeyFile)> DkimKeys { get; } = [];

    /// <summary>--dmarc-action: reject, quarantine or none; null when not given (no inbound checks unless --authserv-id).</summary>
    public string? DmarcAction { get; private set; }

    /// <summary>Whether the SMTP port checks senders: --dmarc-action or --authserv-id was given.</summary>
    public bool CheckSenders => DmarcAction is not null || AuthServId is not null;

    /// <summary>--authserv-id, or null for the server name.</summary>
    public string? AuthServId { get; private set; }

    /// <summary>--milter SOCKET[,timeout=D][,default=tempfail|accept], repeatable: content filters in order.</summary>
    public List<Smtp.Milter.MilterOptions> Milters { get; } = [];

    /// <summary>--rspamd-learn URL[,password=..|,password-file=..]: rspamd's controller, fed what users file as junk; null when not given.</summary>
    public RspamdLearnFlag? RspamdLearn { get; private set; }

    /// <summary>--http-auth USER:PASSWORD: the credentials of the web inbox and API off loopback.</summary>
    public (string User, string Password)? HttpAuth { get; private set; }

    /// <summary>--http-admin USER (repeatable): directory users who may sign in to the web inbox and API with their own password.</summary>
    public List<string> HttpAdmins { get; } = [];

    /// <summary>--dnsbl, --dnswl: client screening on the SMTP port.</summary>
    public ScreeningFlags Screening { get; } = new();

    public bool ShowHelp { get; private set; }

    /// <summary>"dns-records": print the SRV records (RFC 6186) the domains should publish and exit.</summary>
    public bool PrintDnsRecords { get; private set; }

    /// <summary>"queue": list the outbound queue of the store's directory and exit (like Postfix's mailq).</summary>
    public bool ListQueue { get; private set; }

    public static string Usage => $$"""
        Usage: dotnet run --project samples/MailKitServer.Host [-- options]
               dotnet run --project samples/MailKitServer.Host -- queue [--store maildir:PATH]
                                      list the outbound queue (like mailq) and exit
               dotnet run --project samples/MailKitServer.Host -- dns-records [options]
                                      print the SRV records (RFC 6186, RFC 8314) clients look up, and exit

          --bind ADDR                 address to listen on (default 127.0.0.1)
          --smtp-port N               inbound SMTP (default 2525)
          --submission-port N         submission with STARTTLS and AUTH (default 2587)
          --smtps-port N              submission over implicit TLS (default 2465)
          --pop3-port N, --pop3s-port N, --imap-port N, --imaps-port N
                                      POP3 (default 2110, 2995) and IMAP (default 2143, 2993)
          --managesieve-port N        ManageSieve for users' Sieve scripts (default 4190)
          --http-port N               web inbox, HTTP API, /metrics, autoconfig (default 8025)
                                      for every port: 0 = any free port, -1 = off
          --http-auth USER:PASSWORD   credentials of the web inbox and API (needed off a loopback --bind)
          --http-admin USER           a directory user who may sign in there with their own password (repeatable)
          --domain D                  a local domain (repeatable; default example.test)
          --user ADDR:PASSWORD        a user (repeatable; replaces the demo user)
          --alias ADDR=T1[,T2...]     an alias or distribution list (repeatable)
          --quota ADDR=KB[,MESSAGES]  a user's mail quota in KiB and messages, kept by the directory; "-" for
                                      no limit of that kind (repeatable; an IMAP SETQUOTA still overrides it)
          --store maildir:PATH|memory|postgres:CONNSTRING
                                      message store (default maildir:./maildata)
          --insecure-auth             allow plain-text AUTH/LOGIN without TLS
          --cert FILE.pfx[:PASSWORD]  TLS certificate (default: a generated self-signed one)
          outbound delivery (mail from authenticated users to other domains):
          --dns ADDR[:PORT]           name server for MX lookups (default: /etc/resolv.conf)
          --relay-port N              port of remote mail servers (default 25)
          --smart-host HOST[:PORT]    send all outbound mail through this host
          --smart-host-auth USER:PASS credentials for the smart host (needs STARTTLS there)
          --retry-schedule D1,D2,...  delays between tries, the last repeats (default 5m,10m,20m,40m,70m)
          --queue-lifetime D          bounce after this long in the queue (default 5d)
          --delay-notice D            tell NOTIFY=DELAY senders after this long (default 4h)
          sender authentication (SPF, DKIM, DMARC and ARC of mail arriving on the SMTP port, which either of
          the next two options turns on; DKIM signing of submitted mail):
          --dkim-key DOMAIN:SELECTOR:KEYFILE.pem
                                      sign mail from DOMAIN (RSA >= 2048 bits or Ed25519; repeatable); with
                                      the checks on, an RSA key also ARC-seals mail forwarded from port 25
          --dmarc-action reject|quarantine|none
                                      mail failing DMARC: honour p=reject/p=quarantine (reject, the default),
                                      quarantine both to Junk, or only record the result
          --authserv-id NAME          name in Authentication-Results (default: the first --domain)
          --milter inet:HOST:PORT[,timeout=30s][,default=tempfail|accept]
                                      a content filter (rspamd's proxy worker, OpenDKIM, any libmilter
                                      program) asked at every SMTP step on the SMTP and submission ports;
                                      repeatable, asked in order. default= is what happens when it is down
                                      or does not answer in time (tempfail: 451; accept: go on without it)
          --rspamd-learn URL[,password=SECRET|,password-file=PATH]
                                      train rspamd's Bayes classifier through its controller (such as
                                      http://127.0.0.1:11334/): a message moved or copied into Junk over
                                      IMAP is learned as spam, one moved out of it (not to Trash) as ham
        {{ScreeningFlags.Usage}}
          --max-connections N         connections at once (default 20000)
          --max-connections-per-address N
                                      connections at once from one address (default 1000)
          --log-level LEVEL           Trace (transcripts), Debug, Information, Warning (default)
          --help                      this text
        """;

    public static HostOptions Parse(string[] args)
    {
        var o = new HostOptions();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{arg} needs a value.");
            switch (arg)
            {
                case "queue" when i == 0:
                    o.ListQueue = true;
                    break;
                case "dns-records" when i == 0:
                    o.PrintDnsRecords = true;
                    break;
                case "--help" or "-h":
                    o.ShowHelp = true;
                    break;
                case "--bind":
                    o.Bind = IPAddress.TryParse(Next(), out var ip) ? ip : throw new ArgumentException($"--bind: '{args[i]}' is not an IP address.");
                    break;
                case "--smtp-port" or "--submission-port" or "--smtps-port" or "--pop3-port" or "--pop3s-port" or "--imap-port" or "--imaps-port" or "--managesieve-port" or "--http-port":
                    var name = arg[2..^5];
                    var value = Next();
                    o.Ports[name] = int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var port) && port is >= -1 and <= 65535
                        ? port
                        : throw new ArgumentException($"{arg}: '{value}' is not a port (0 = any free port, -1 = off).");
                    break;
                case "--domain":
                    o.Domains.Add(Next());
                    break;
                case "--user":
                    var user = Next();
                    var colon = user.IndexOf(':', StringComparison.Ordinal);
                    if (colon <= 0)
                    {
                        throw new ArgumentException($"--user: '{user}' is not ADDR:PASSWORD.");
                    }

                    o.Users.Add((user[..colon], user[(colon + 1)..]));
                    break;
                case "--quota":
                    var quota = Next();
                    o.Quotas[QuotaFlag.Address(quota)] = QuotaFlag.Parse(quota);
                    break;
                case "--alias":
                    var alias = Next();
                    var eq = alias.IndexOf('=', StringComparison.Ordinal);
                    if (eq <= 0 || eq == alias.Length - 1)
                    {
                        throw new ArgumentException($"--alias: '{alias}' is not ADDR=TARGET[,TARGET...].");
                    }

                    o.Aliases.Add((alias[..eq], alias[(eq + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)));
                    break;
                case "--store":
                    o.Store = Next();
                    break;
                case "--insecure-auth":
                    o.InsecureAuth = true;
                    break;
                case "--cert":
                    var cert = Next();
                    var pc = cert.LastIndexOf(':');
                    (o.CertificatePath, o.CertificatePassword) = pc > 0 && cert.EndsWith(".pfx", StringComparison.OrdinalIgnoreCase) is false && cert[..pc].EndsWith(".pfx", StringComparison.OrdinalIgnoreCase)
                        ? (cert[..pc], cert[(pc + 1)..])
                        : (cert, null);
                    break;
                case "--dns":
                    o.Dns = Next();
                    break;
                case "--relay-port":
                    o.RelayPort = int.TryParse(Next(), NumberStyles.None, CultureInfo.InvariantCulture, out var rp) && rp is > 0 and <= 65535 ? rp : throw new ArgumentException("--relay-port needs a port number.");
                    break;
                case "--smart-host":
                    o.SmartHost = Next();
                    break;
                case "--smart-host-auth":
                    var auth = Next();
                    var authColon = auth.IndexOf(':', StringComparison.Ordinal);
                    o.SmartHostAuth = authColon > 0 ? (auth[..authColon], auth[(authColon + 1)..]) : throw new ArgumentException("--smart-host-auth needs USER:PASSWORD.");
                    break;
                case "--retry-schedule":
                    o.RetrySchedule.Clear();
                    o.RetrySchedule.AddRange(Next().Split(',', StringSplitOptions.RemoveEmptyEntries).Select(d => Durations.Parse(d.Trim(), arg)));
                    break;
                case "--queue-lifetime":
                    o.QueueLifetime = Durations.Parse(Next(), arg);
                    break;
                case "--delay-notice":
                    o.DelayNotice = Durations.Parse(Next(), arg);
                    break;
                case "--max-connections" or "--max-connections-per-address":
                    var limit = int.TryParse(Next(), NumberStyles.None, CultureInfo.InvariantCulture, out var l) && l > 0 ? l : throw new ArgumentException($"{arg} needs a positive number.");
                    if (arg == "--max-connections")
                    {
                        o.MaxConnections = limit;
                    }
                    else
                    {
                        o.MaxConnectionsPerAddress = limit;
                    }

                    break;
                case "--log-level":
                    o.LogLevel = Next();
                    break;
                case "--dkim-key":
                    var dkim = Next().Split(':', 3);
                    o.DkimKeys.Add(dkim.Length == 3 && dkim.All(p => p.Length > 0) ? (dkim[0], dkim[1], dkim[2]) : throw new ArgumentException("--dkim-key needs DOMAIN:SELECTOR:KEYFILE.pem."));
                    break;
                case "--dmarc-action":
                    var action = Next();
                    o.DmarcAction = action is "reject" or "quarantine" or "none" ? action : throw new ArgumentException("--dmarc-action needs reject, quarantine or none.");
                    break;
                case "--http-auth":
                    var httpAuth = Next();
                    var httpColon = httpAuth.IndexOf(':', StringComparison.Ordinal);
                    o.HttpAuth = httpColon > 0 && httpColon < httpAuth.Length - 1 ? (httpAuth[..httpColon], httpAuth[(httpColon + 1)..]) : throw new ArgumentException("--http-auth needs USER:PASSWORD.");
                    break;
                case "--http-admin":
                    o.HttpAdmins.Add(Next());
                    break;
                case "--milter":
                    o.Milters.Add(MilterFlag.Parse(Next()));
                    break;
                case "--rspamd-learn":
                    o.RspamdLearn = RspamdLearnFlag.Parse(Next());
                    break;
                case "--authserv-id":
                    o.AuthServId = Next();
                    break;
                default:
                    if (!o.Screening.TryParse(arg, Next))
                    {
                        throw new ArgumentException($"Unknown option '{arg}'. Try --help.");
                    }

                    break;
            }
        }

        if (o.Domains.Count == 0)
        {
            o.Domains.Add("example.test");
        }

        if (o.Users.Count == 0)
        {
            o._demoUser = $"demo@{o.Domains[0]}";
            o.Users.Add((o._demoUser, "demo"));
        }

        return o;
    }
}
