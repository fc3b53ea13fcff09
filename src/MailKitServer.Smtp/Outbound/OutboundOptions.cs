namespace MailKitServer.Smtp.Outbound;

/// <summary>How the outbound queue routes, retries and reports.</summary>
public sealed class OutboundOptions
{
    /// <summary>
    /// The delays between tries; the last repeats until <see cref="QueueLifetime"/>. The default backs off like
    /// Postfix: 5 minutes doubling to about an hour.
    /// </summary>
    public IList<TimeSpan> RetrySchedule { get; } = [TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(20), TimeSpan.FromMinutes(40), TimeSpan.FromMinutes(70)];

    /// <summary>How long a message may stay queued before it bounces (Postfix's maximal_queue_lifetime: 5 days).</summary>
    public TimeSpan QueueLifetime { get; set; } = TimeSpan.FromDays(5);

    /// <summary>After how long a sender who asked for NOTIFY=DELAY hears that the message is still queued.</summary>
    public TimeSpan DelayNoticeAfter { get; set; } = TimeSpan.FromHours(4);

    /// <summary>The TCP port of remote mail servers (25; tests point it at a loopback listener).</summary>
    public int RemotePort { get; set; } = 25;

    /// <summary>A host that takes all outbound mail instead of the recipients' MX hosts ("host:port", "[address]:port" or "host"), or null.</summary>
    public string? SmartHost { get; set; }

    /// <summary>The user name for AUTH at the smart host, if it needs one.</summary>
    public string? SmartHostUserName { get; set; }

    /// <summary>The password for AUTH at the smart host.</summary>
    public string? SmartHostPassword { get; set; }

    /// <summary>Whether the smart host must offer STARTTLS (default: yes, credentials travel there).</summary>
    public bool SmartHostRequiresTls { get; set; } = true;

    /// <summary>Whether the smart host's certificate must validate (default: yes; turn off only for a test or a pinned private host).</summary>
    public bool ValidateSmartHostCertificate { get; set; } = true;

    /// <summary>Routes for single domains ("host:port"), taking precedence over DNS and the smart host.</summary>
    public IDictionary<string, string> DomainRoutes { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Whether MX hosts' certificates are checked. Off by default: opportunistic TLS (RFC 7435 §1.3) beats plain text.</summary>
    public bool ValidateMxCertificates { get; set; }

    /// <summary>
    /// Whether recipient domains' MTA-STS policies (RFC 8461) are honoured (default: yes): for a domain whose policy
    /// is in enforce mode, mail goes only to MX hosts the policy names, over TLS with a certificate valid for the
    /// host; when none qualifies the delivery is deferred, and bounced with the reason once
    /// <see cref="QueueLifetime"/> is over. Not applied to <see cref="SmartHost"/> and <see cref="DomainRoutes"/>.
    /// </summary>
    public bool UseMtaSts { get; set; } = true;

    /// <summary>
    /// Whether DANE (RFC 7672) is used (default: yes): when a recipient domain's MX answer, an MX host's addresses and
    /// its <c>_25._tcp</c> TLSA records all come back authenticated (the resolver's AD bit,
    /// <c>DnsResult.Authenticated</c>) and a record is usable, mail goes to that host only over STARTTLS with a
    /// certificate the records match, else it is deferred. Needs a validating resolver on a trusted path.
    /// </summary>
    public bool UseDane { get; set; } = true;

    /// <summary>SMTP TLS reporting (RFC 8460): daily reports to the domains that ask for them; null (the default) sends none.</summary>
    public TlsRpt.TlsReportOptions? TlsReports { get; set; }

    /// <summary>How long fetching one MTA-STS policy over HTTPS may take, connection included (default 30 seconds).</summary>
    public TimeSpan MtaStsFetchTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How often cached MTA-STS policies are looked at in the background (default 1 hour): one with less than half its
    /// max_age left is fetched again, so it does not lapse between deliveries (RFC 8461 §5.1).
    /// </summary>
    public TimeSpan MtaStsRefreshInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The port of MTA-STS policy hosts (443; tests point it at a loopback server).</summary>
    internal int MtaStsPolicyPort { get; set; } = 443;

    /// <summary>Roots that outbound certificate checks trust instead of the system's (tests: a private CA).</summary>
    internal System.Security.Cryptography.X509Certificates.X509Certificate2Collection? TrustedRoots { get; set; }

    /// <summary>How many deliveries run at once.</summary>
    public int MaxConcurrentDeliveries { get; set; } = 20;

    /// <summary>How many deliveries to one domain run at once.</summary>
    public int MaxConcurrentPerDomain { get; set; } = 5;

    /// <summary>How long a connection may take to open.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long to wait for the greeting and for replies to MAIL, RCPT and other commands (RFC 5321 §4.5.3.2: 5 minutes).</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long to wait for the 354 after DATA (RFC 5321 §4.5.3.2.4: 2 minutes) and for each block of content to be taken (3 minutes).</summary>
    public TimeSpan DataTimeout { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>How long to wait for the reply after the final "." (RFC 5321 §4.5.3.2.6: 10 minutes).</summary>
    public TimeSpan DataEndTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long an idle connection is kept for the next message to the same host.</summary>
    public TimeSpan ConnectionReuseTime { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The name in EHLO and in bounces; null: the server's name.</summary>
    public string? HeloName { get; set; }

    /// <summary>Checks the options; each problem names the option.</summary>
    /// <returns>The problems found.</returns>
    public IEnumerable<string> Validate()
    {
        if (RetrySchedule.Count == 0 || RetrySchedule.Any(d => d <= TimeSpan.Zero))
        {
            yield return $"{nameof(OutboundOptions)}.{nameof(RetrySchedule)} needs at least one positive delay.";
        }

        if (QueueLifetime <= TimeSpan.Zero)
        {
            yield return $"{nameof(OutboundOptions)}.{nameof(QueueLifetime)} must be positive.";
        }

        if (RemotePort is <= 0 or > 65535)
        {
            yield return $"{nameof(OutboundOptions)}.{nameof(RemotePort)} must be a TCP port (was {RemotePort}).";
        }

        if (SmartHost is not null && !NextHop.TryParse(SmartHost, RemotePort, out _))
        {
            yield return $"{nameof(OutboundOptions)}.{nameof(SmartHost)} must be host, host:port or [address]:port (was '{SmartHost}').";
        }

        foreach (var (domain, route) in DomainRoutes)
        {
            if (!NextHop.TryParse(route, RemotePort, out _))
            {
                yield return $"{nameof(OutboundOptions)}.{nameof(DomainRoutes)}[{domain}] must be host, host:port or [address]:port (was '{route}').";
            }
        }

        if (MtaStsFetchTimeout <= TimeSpan.Zero || MtaStsRefreshInterval <= TimeSpan.Zero)
        {
            yield return $"{nameof(OutboundOptions)}.{nameof(MtaStsFetchTimeout)} and {nameof(MtaStsRefreshInterval)} must be positive.";
        }

        if (TlsReports is { } reports && (reports.OrganizationName.Length == 0 || !MailKitServer.Addresses.MailAddress.TryParse(reports.Sender, allowUtf8: false, out _)))
        {
            yield return $"{nameof(OutboundOptions)}.{nameof(TlsReports)} needs an {nameof(TlsRpt.TlsReportOptions.OrganizationName)} and a {nameof(TlsRpt.TlsReportOptions.Sender)} address (was '{reports.Sender}').";
        }

        if (MaxConcurrentDeliveries <= 0 || MaxConcurrentPerDomain <= 0)
        {
            yield return $"{nameof(OutboundOptions)}.{nameof(MaxConcurrentDeliveries)} and {nameof(MaxConcurrentPerDomain)} must be positive.";
        }
    }
}
