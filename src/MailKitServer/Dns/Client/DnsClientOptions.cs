using System.Net;

namespace MailKitServer.Dns.Client;

/// <summary>Options of <see cref="DnsClient"/>.</summary>
public sealed class DnsClientOptions
{
    /// <summary>The name servers, tried in order; empty means those of <c>/etc/resolv.conf</c> (or 127.0.0.1:53 without one).</summary>
    public IList<IPEndPoint> Servers { get; } = [];

    /// <summary>How long to wait for one server's answer (resolv.conf's <c>options timeout:</c> when read from there).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How many rounds over all servers before giving up with a temporary failure.</summary>
    public int Attempts { get; set; } = 2;

    /// <summary>Whether answers are cached for their TTL, failures for the SOA minimum (RFC 2308).</summary>
    public bool UseCache { get; set; } = true;

    /// <summary>The longest any answer is cached, whatever its TTL.</summary>
    public TimeSpan MaxCacheTime { get; set; } = TimeSpan.FromDays(1);

    /// <summary>The longest a negative answer (NXDOMAIN, NODATA) is cached (RFC 2308 §5 suggests 1-3 hours).</summary>
    public TimeSpan MaxNegativeCacheTime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The most CNAMEs followed for one lookup (RFC 1034 §3.6.2 warns of chains and loops).</summary>
    public int MaxCnameChain { get; set; } = 8;

    /// <summary>The most entries the cache holds; the oldest half is dropped when it is full.</summary>
    public int MaxCacheEntries { get; set; } = 10_000;
}
