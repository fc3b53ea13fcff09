using System.Net;

namespace MailKitServer.Smtp.Outbound.TlsRpt;

/// <summary>Where the TLS sessions with one route target are counted: the collector, the policy domain and the policy.</summary>
internal sealed class TlsSessionReport(TlsReportCollector collector, string domain, TlsSessionPolicy policy)
{
    /// <summary>A session that negotiated TLS.</summary>
    public void Success() => collector.Success(domain, policy);

    /// <summary>A session that failed the policy, with the RFC 8460 §4.3 result type.</summary>
    public void Failure(string resultType, string host, IPAddress address, string detail) => collector.Failure(domain, policy, resultType, host, address, detail);
}
