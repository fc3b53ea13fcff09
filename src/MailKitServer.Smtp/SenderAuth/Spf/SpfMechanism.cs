using System.Net;
using MailKitServer.SenderAuth;

namespace MailKitServer.Smtp.SenderAuth.Spf;

/// <summary>One directive of an SPF record: a qualifier and a mechanism with its arguments (RFC 7208 §4.6.2).</summary>
/// <param name="Qualifier">The result when it matches (<c>+</c> pass, <c>-</c> fail, <c>~</c> softfail, <c>?</c> neutral).</param>
/// <param name="Kind">The mechanism.</param>
/// <param name="DomainSpec">The unexpanded domain-spec, or <see langword="null"/> for the current domain (or none).</param>
/// <param name="Network">The network of <c>ip4:</c> and <c>ip6:</c>.</param>
/// <param name="Ip4Prefix">The IPv4 prefix length (32 when not given).</param>
/// <param name="Ip6Prefix">The IPv6 prefix length (128 when not given).</param>
internal sealed record SpfMechanism(SpfResult Qualifier, SpfMechanismKind Kind, string? DomainSpec, IPAddress? Network, int Ip4Prefix, int Ip6Prefix);
