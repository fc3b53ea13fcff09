namespace MailKitServer.Dns.Client;

/// <summary>A parsed response that matched its question.</summary>
/// <param name="ResponseCode">RCODE (0 NOERROR, 2 SERVFAIL, 3 NXDOMAIN, 5 REFUSED ...).</param>
/// <param name="Truncated">TC: the answer did not fit and must be asked again over TCP (RFC 7766 §5).</param>
/// <param name="Answers">The answer section.</param>
/// <param name="Authority">The authority section (SOA for negative caching, RFC 2308 §5).</param>
internal sealed record DnsResponse(int ResponseCode, bool Truncated, IReadOnlyList<DnsResourceRecord> Answers, IReadOnlyList<DnsResourceRecord> Authority);
