using System.Net;

namespace MailKitServer.Dns;

/// <summary>Options of <see cref="DnsClientResolver"/>.</summary>
public sealed class DnsResolverOptions
{
    /// <summary>The name servers, tried in order; empty means those of the system (<c>/etc/resolv.conf</c>), else 127.0.0.1:53.</summary>
    public IList<IPEndPoint> Servers { get; } = [];

    /// <summary>How long to wait for one server's answer.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How many times a query is sent to each server before the lookup is a temporary failure.</summary>
    public int Attempts { get; set; } = 2;

    /// <summary>Whether answers are cached for their TTL and failures for <see cref="MaxNegativeCacheTime"/>.</summary>
    public bool UseCache { get; set; } = true;

    /// <summary>The longest any answer is cached, whatever its TTL.</summary>
    public TimeSpan MaxCacheTime { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How long a negative answer (NXDOMAIN, NODATA, failure) is cached (RFC 2308 §5 suggests 1-3 hours).</summary>
    public TimeSpan MaxNegativeCacheTime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The most CNAMEs followed for one lookup when the server's answer does not include the chain's end (RFC 1034 §3.6.2).</summary>
    public int MaxCnameChain { get; set; } = 8;

    /// <summary>
    /// Whether queries ask for DNSSEC (EDNS with the DO bit, default: yes), so a validating resolver marks validated
    /// answers (<see cref="DnsResult{T}.Authenticated"/>), which DANE needs.
    /// </summary>
    public bool RequestDnssec { get; set; } = true;
}
