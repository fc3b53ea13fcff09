using System.Net;
using System.Security.Cryptography;
using MailKitServer.Dns;
using MailKitServer.Smtp.Outbound.MtaSts;
using Microsoft.Extensions.Logging;

namespace MailKitServer.Smtp.Outbound;

/// <summary>
/// Finds where a domain's mail goes (RFC 5321 §5.1): a per-domain route or the smart host if configured, else the MX
/// records by preference (equal ones in random order), the domain's own addresses when it has no MX (implicit MX),
/// nothing for a null MX (RFC 7505). Hosts that are this server are dropped with every MX not better than them, so
/// mail never loops back. A domain's MTA-STS policy in enforce mode keeps only the MX hosts it names and requires
/// verified TLS with them (RFC 8461 §4).
/// </summary>
internal sealed class MxRouter(IDnsResolver dns, OutboundOptions options, string serverName, Func<IPEndPoint, bool> isSelf, MtaStsPolicySource? mtaSts = null, ILogger? logger = null)
{
    /// <param name="domain">The recipient domain.</param>
    /// <param name="cancellationToken">Cancels the lookups.</param>
    /// <param name="applyTlsPolicies">
    /// False for TLS reports, which RFC 8460 §5.3 wants delivered despite TLS policy failures: no MTA-STS or DANE.
    /// </param>
    public async Task<RouteResult> RouteAsync(string domain, CancellationToken cancellationToken, bool applyTlsPolicies = true)
    {
        if (options.DomainRoutes.TryGetValue(domain, out var route) && NextHop.TryParse(route, options.RemotePort, out var routed))
        {
            return await FixedAsync(routed, TlsPolicy.Opportunistic, authenticate: false, cancellationToken).ConfigureAwait(false);
        }

        if (options.SmartHost is { } smart && NextHop.TryParse(smart, options.RemotePort, out var smartHop))
        {
            var credentials = options.SmartHostUserName is not null;
            return await FixedAsync(smartHop, options.SmartHostRequiresTls ? TlsPolicy.Required : TlsPolicy.Opportunistic, credentials, cancellationToken).ConfigureAwait(false);
        }

        if (domain.StartsWith('['))
        {
            // An address literal (RFC 5321 §4.1.3): no DNS.
            var literal = domain.Trim('[', ']');
            literal = literal.StartsWith("IPv6:", StringComparison.OrdinalIgnoreCase) ? literal[5..] : literal;
            return IPAddress.TryParse(literal, out _)
                ? await FixedAsync(new NextHop(literal, options.RemotePort), TlsPolicy.Opportunistic, false, cancellationToken).ConfigureAwait(false)
                : Fail(550, "5.1.2", $"bad address literal {domain}");
        }

        var mx = await dns.ResolveMxAsync(domain, cancellationToken).ConfigureAwait(false);
        List<(ushort Preference, string Host)> hosts;
        switch (mx.Status)
        {
            case DnsStatus.Success when mx.Records.Count == 1 && mx.Records[0].Value.Exchange is "." or "":
                // RFC 7505 §4.1: a null MX: the domain takes no mail.
                return Fail(556, "5.1.10", $"{domain} does not accept mail (null MX, RFC 7505)");
            case DnsStatus.Success:
                hosts = mx.Records.Select(r => r.Value).Where(r => r.Exchange is not ("." or ""))
                    .OrderBy(r => r.Preference).ThenBy(_ => RandomNumberGenerator.GetInt32(int.MaxValue))
                    .Select(r => (r.Preference, r.Exchange.TrimEnd('.'))).ToList();
                break;
            case DnsStatus.NoRecords:
                // RFC 5321 §5.1: no MX: the domain itself is the host (implicit MX).
                hosts = [(0, domain)];
                break;
            case DnsStatus.NameNotFound:
                return Fail(550, "5.1.2", $"Host or domain name not found: {mx.Error ?? domain}");
            default:
                return Fail(451, "4.4.3", $"DNS lookup of {domain} MX failed: {mx.Error ?? "temporary failure"}");
        }

        var tls = TlsPolicy.Opportunistic;
        TlsRpt.TlsSessionPolicy? sts = null;
        if (applyTlsPolicies && mtaSts is not null && await mtaSts.GetAsync(domain, cancellationToken).ConfigureAwait(false) is { } policy)
        {
            var matching = hosts.Where(h => policy.Matches(h.Host)).ToList();
            if (policy.Mode == MtaStsMode.Enforce)
            {
                sts = new TlsRpt.TlsSessionPolicy("sts", policy.Lines(), policy.MxPatterns);
                // RFC 8461 §4.1: never to an MX host the policy does not name; §5: a delivery that cannot be made under
                // the policy is deferred like any other temporary failure (and bounced once the queue gives up).
                if (matching.Count == 0)
                {
                    return Fail(451, "4.7.5", $"no MX host of {domain} ({string.Join(", ", hosts.Select(h => h.Host))}) matches its MTA-STS policy (mx: {string.Join(", ", policy.MxPatterns)})") with { Sts = sts };
                }

                hosts = matching;
                tls = TlsPolicy.Verified;
            }
            else if (policy.Mode == MtaStsMode.Testing && logger is not null)
            {
                foreach (var (_, host) in hosts.Except(matching))
                {
                    OutboundLog.MtaStsTestingMismatch(logger, domain, host);
                }
            }
        }

        var targets = new List<(ushort Preference, RouteTarget Target)>();
        var temporary = new List<string>();
        ushort? selfPreference = null;
        foreach (var (preference, host) in hosts)
        {
            if (string.Equals(host, serverName, StringComparison.OrdinalIgnoreCase))
            {
                selfPreference ??= preference;
                continue;
            }

            var addresses = await dns.ResolveAddressesAsync(host, cancellationToken).ConfigureAwait(false);
            if (addresses.Status == DnsStatus.TemporaryFailure)
            {
                temporary.Add(addresses.Error ?? host);
                continue;
            }

            var endPoints = addresses.Records.Select(r => new IPEndPoint(r.Value, options.RemotePort)).ToList();
            if (endPoints.Exists(e => isSelf(e)))
            {
                selfPreference ??= preference;
                continue;
            }

            if (endPoints.Count > 0)
            {
                // RFC 7672 §2.2: TLSA records count only when the MX and address answers were validated too.
                if (applyTlsPolicies && mx.Authenticated && addresses.Authenticated && options.UseDane)
                {
                    var tlsa = await dns.ResolveTlsaAsync($"_{options.RemotePort}._tcp.{host}", cancellationToken).ConfigureAwait(false);
                    if (tlsa.Status == DnsStatus.TemporaryFailure)
                    {
                        // §2.2.3: a TLSA lookup that fails makes the host unusable for now, not insecure.
                        temporary.Add(tlsa.Error ?? $"TLSA lookup for {host} failed");
                        continue;
                    }

                    if (tlsa is { Status: DnsStatus.Success, Authenticated: true, Records.Count: > 0 })
                    {
                        if (Dane.DaneVerifier.Usable(tlsa.Records.Select(r => r.Value)) is { Count: > 0 } usable)
                        {
                            // RFC 8461 §2: DANE takes precedence over MTA-STS for a host that has it.
                            targets.Add((preference, new RouteTarget(host, endPoints, TlsPolicy.Dane, false, usable)));
                            continue;
                        }

                        // RFC 7672 §2.2: a secure TLSA RRset whose records are all unusable still requires TLS, unauthenticated
                        // (an MTA-STS policy in enforce mode keeps its verified TLS, the stronger of the two).
                        targets.Add((preference, new RouteTarget(host, endPoints, tls == TlsPolicy.Verified ? tls : TlsPolicy.Encrypted, false, tlsa.Records.Select(r => r.Value).ToList())));
                        continue;
                    }
                }

                targets.Add((preference, new RouteTarget(host, endPoints, tls, false)));
            }
        }

        if (selfPreference is { } own)
        {
            // RFC 5321 §5.1: only MX hosts better than this server may be used.
            targets.RemoveAll(t => t.Preference >= own);
            if (targets.Count == 0)
            {
                return Fail(554, "5.4.6", $"mail for {domain} loops back to myself");
            }
        }

        if (targets.Count > 0)
        {
            return new RouteResult(targets.Select(t => t.Target).ToList(), null, sts);
        }

        return temporary.Count > 0
            ? Fail(451, "4.4.3", $"cannot resolve the mail hosts of {domain}: {string.Join("; ", temporary)}")
            : Fail(550, "5.4.4", $"no mail host of {domain} has an address");
    }

    private async Task<RouteResult> FixedAsync(NextHop hop, TlsPolicy tls, bool authenticate, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(hop.Host, out var literal))
        {
            var endPoint = new IPEndPoint(literal, hop.Port);
            return isSelf(endPoint)
                ? Fail(554, "5.4.6", $"the configured next hop {hop.Host}:{hop.Port} is this server")
                : new RouteResult([new RouteTarget(hop.Host, [endPoint], tls, authenticate)], null);
        }

        var addresses = await dns.ResolveAddressesAsync(hop.Host, cancellationToken).ConfigureAwait(false);
        if (addresses.Status != DnsStatus.Success)
        {
            return addresses.Status == DnsStatus.TemporaryFailure
                ? Fail(451, "4.4.3", $"cannot resolve {hop.Host}: {addresses.Error ?? "temporary failure"}")
                : Fail(451, "4.4.4", $"the configured next hop {hop.Host} has no address");
        }

        var endPoints = addresses.Records.Select(r => new IPEndPoint(r.Value, hop.Port)).ToList();
        return endPoints.Exists(e => isSelf(e))
            ? Fail(554, "5.4.6", $"the configured next hop {hop.Host}:{hop.Port} is this server")
            : new RouteResult([new RouteTarget(hop.Host, endPoints, tls, authenticate)], null);
    }

    private static RouteResult Fail(int code, string status, string text) => new([], new SmtpClientReply(code, [status + " " + text]));
}
