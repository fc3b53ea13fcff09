using System.Net;

namespace MailKitServer.Smtp.Outbound;

/// <summary>One host to try for a domain, with its addresses in the order to try them.</summary>
/// <param name="Host">The host name (or address literal).</param>
/// <param name="EndPoints">Its addresses with the port.</param>
/// <param name="Tls">How STARTTLS is used with it.</param>
/// <param name="Authenticate">Whether the smart host credentials go to it.</param>
/// <param name="Tlsa">
/// With <see cref="TlsPolicy.Dane"/>, the usable TLSA records the certificate must match; with
/// <see cref="TlsPolicy.Encrypted"/>, the (unusable) records that made TLS mandatory.
/// </param>
internal sealed record RouteTarget(string Host, IReadOnlyList<IPEndPoint> EndPoints, TlsPolicy Tls, bool Authenticate, IReadOnlyList<MailKitServer.Dns.TlsaRecord>? Tlsa = null);
