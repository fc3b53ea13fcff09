using System.Net;

namespace MailKitServer.Dns;

/// <summary>The DNS seam used by outbound delivery and by policies (reverse lookups, TXT-based checks).</summary>
public interface IDnsResolver
{
    /// <summary>Looks up the MX records of a domain.</summary>
    /// <param name="domain">The domain, as it appears after the "@" (no trailing dot needed).</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>The records with their TTLs, or why there are none.</returns>
    ValueTask<DnsResult<MxRecord>> ResolveMxAsync(string domain, CancellationToken cancellationToken);

    /// <summary>Looks up the A and AAAA records of a host (following CNAMEs).</summary>
    /// <param name="host">The host name.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>The addresses with their TTLs, or why there are none.</returns>
    ValueTask<DnsResult<IPAddress>> ResolveAddressesAsync(string host, CancellationToken cancellationToken);

    /// <summary>Looks up the TXT records of a name, each record's strings joined.</summary>
    /// <param name="name">The owner name (a domain, or <c>_dmarc.</c>, <c>selector._domainkey.</c> and so on before one).</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>The texts with their TTLs, or why there are none.</returns>
    ValueTask<DnsResult<string>> ResolveTxtAsync(string name, CancellationToken cancellationToken);

    /// <summary>Looks up the PTR records of an address (reverse DNS).</summary>
    /// <param name="address">An IPv4 or IPv6 address; the resolver builds the <c>in-addr.arpa</c> or <c>ip6.arpa</c> name.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>The host names with their TTLs, or why there are none.</returns>
    ValueTask<DnsResult<string>> ResolvePtrAsync(IPAddress address, CancellationToken cancellationToken);

    /// <summary>
    /// Looks up the TLSA records of a name such as <c>_25._tcp.mx.example.org</c> (RFC 6698, for DANE, RFC 7672). The
    /// default answers <see cref="DnsStatus.NoRecords"/>, so a resolver that knows nothing of TLSA needs no change.
    /// A DANE client must only trust records from a DNSSEC-validating resolver.
    /// </summary>
    /// <param name="name">The TLSA owner name, port and protocol first: <c>_25._tcp.mx.example.com</c> (RFC 6698 §3).</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>The records with their TTLs, or why there are none.</returns>
    ValueTask<DnsResult<TlsaRecord>> ResolveTlsaAsync(string name, CancellationToken cancellationToken) => ValueTask.FromResult(DnsResult<TlsaRecord>.NoRecords);
}
