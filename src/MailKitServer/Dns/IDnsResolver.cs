using System.Net;

namespace MailKitServer.Dns;

/// <summary>The DNS seam used by outbound delivery and by policies (reverse lookups, TXT-based checks).</summary>
public interface IDnsResolver
{
    /// <summary>Looks up the MX records of a domain.</summary>
    /// <param name="domain">The domain.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>The records with their TTLs, or why there are none.</returns>
    ValueTask<DnsResult<MxRecord>> ResolveMxAsync(string domain, CancellationToken cancellationToken);

    /// <summary>Looks up the A and AAAA records of a host (following CNAMEs).</summary>
    /// <param name="host">The host name.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>The addresses with their TTLs, or why there are none.</returns>
    ValueTask<DnsResult<IPAddress>> ResolveAddressesAsync(string host, CancellationToken cancellationToken);

    /// <summary>Looks up the TXT records of a name, each record's strings joined.</summary>
    /// <param name="name">The name.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>The texts with their TTLs, or why there are none.</returns>
    ValueTask<DnsResult<string>> ResolveTxtAsync(string name, CancellationToken cancellationToken);

    /// <summary>Looks up the PTR records of an address (reverse DNS).</summary>
    /// <param name="address">The address.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>The host names with their TTLs, or why there are none.</returns>
    ValueTask<DnsResult<string>> ResolvePtrAsync(IPAddress address, CancellationToken cancellationToken);
}
