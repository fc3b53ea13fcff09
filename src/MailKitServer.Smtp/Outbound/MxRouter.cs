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
        if (await ConfiguredRouteAsync(domain, cancellationToken).ConfigureAwait(false) is { } configured)
        {
            return configured;
        }

        var mx = await dns.ResolveMxAsync(domain, cancellationToken).ConfigureAwait(false);
        if (MxHosts(domain, mx) is not { } hosts)
        {
            return MxFailure(domain, mx);
        }

        var tls = TlsPolicy.Opportunistic;
        TlsRpt.TlsSessionPolicy? sts = null;
        if (applyTlsPolicies && mtaSts is not null && await mtaSts.GetAsync(domain, cancellationToken).ConfigureAwait(false) is { } policy)
        {
            if (ApplyMtaSts(domain, policy, ref hosts) is { } refused)
            {
                return refused;
            }

            if (policy.Mode == MtaStsMode.Enforce)
            {
                sts = new TlsRpt.TlsSessionPolicy("sts", policy.Lines(), policy.MxPatterns);
                tls = TlsPolicy.Verified;
            }
        }

        var targets = new List<(ushort Preference, RouteTarget Target)>();
        var temporary = new List<string>();
        ushort? selfPreference = null;
        var dane = applyTlsPolicies && mx.Authenticated && options.UseDane;
        foreach (var (preference, host) in hosts)
        {
            switch (await ResolveHostAsync(host, tls, dane, cancellationToken).ConfigureAwait(false))
            {
                case { IsSelf: true }:
                    selfPreference ??= preference;
                    break;
                case { Temporary: { } error }:
                    temporary.Add(error);
                    break;
                case { Target: { } target }:
                    targets.Add((preference, target));
                    break;
            }
        }

        return Choose(domain, targets, temporary, selfPreference, sts);
    }

    /// <summary>A per-domain route, the smart host or an address literal: the next hop without MX lookups; null for none of these.</summary>
    private async Task<RouteResult?> ConfiguredRouteAsync(string domain, CancellationToken cancellationToken)
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

        if (!domain.StartsWith('['))
        {
            return null;
        }

        // An address literal (RFC 5321 §4.1.3): no DNS.
        var literal = domain.Trim('[', ']');
        literal = literal.StartsWith("IPv6:", StringComparison.OrdinalIgnoreCase) ? literal[5..] : literal;
        return IPAddress.TryParse(literal, out _)
            ? await FixedAsync(new NextHop(literal, options.RemotePort), TlsPolicy.Opportunistic, false, cancellationToken).ConfigureAwait(false)
            : Fail(550, "5.1.2", $"bad address literal {domain}");
    }

    /// <summary>The MX hosts by preference (equal ones shuffled), the domain itself without MX; null when the answer allows no host.</summary>
    private static List<(ushort Preference, string Host)>? MxHosts(string domain, DnsResult<MxRecord> mx) => mx.Status switch
    {
        // RFC 7505 §4.1: a null MX: the domain takes no mail.
        DnsStatus.Success when mx.Records.Count == 1 && mx.Records[0].Value.Exchange is "." or "" => null,
        DnsStatus.Success => mx.Records.Select(r => r.Value).Where(r => r.Exchange is not ("." or ""))
            .OrderBy(r => r.Preference).ThenBy(_ => RandomNumberGenerator.GetInt32(int.MaxValue))
            .Select(r => (r.Preference, r.Exchange.TrimEnd('.'))).ToList(),

        // RFC 5321 §5.1: no MX: the domain itself is the host (implicit MX).
        DnsStatus.NoRecords => [(0, domain)],
        _ => null,
    };

    private static RouteResult MxFailure(string domain, DnsResult<MxRecord> mx) => mx.Status switch
    {
        DnsStatus.Success => Fail(556, "5.1.10", $"{domain} does not accept mail (null MX, RFC 7505)"),
        DnsStatus.NameNotFound => Fail(550, "5.1.2", $"Host or domain name not found: {mx.Error ?? domain}"),
        _ => Fail(451, "4.4.3", $"DNS lookup of {domain} MX failed: {mx.Error ?? "temporary failure"}"),
    };

    /// <summary>
    /// Keeps the MX hosts an enforced MTA-STS policy names (logging the others in testing mode).
    /// </summary>
    /// <returns>The deferral when an enforced policy names none of the hosts, else null.</returns>
    private RouteResult? ApplyMtaSts(string domain, MtaStsPolicy policy, ref List<(ushort Preference, string Host)> hosts)
    {
        var matching = hosts.Where(h => policy.Matches(h.Host)).ToList();
        if (policy.Mode == MtaStsMode.Enforce)
        {
            // RFC 8461 §4.1: never to an MX host the policy does not name; §5: a delivery that cannot be made under
            // the policy is deferred like any other temporary failure (and bounced once the queue gives up).
            if (matching.Count == 0)
            {
                var sts = new TlsRpt.TlsSessionPolicy("sts", policy.Lines(), policy.MxPatterns);
                return Fail(451, "4.7.5", $"no MX host of {domain} ({string.Join(", ", hosts.Select(h => h.Host))}) matches its MTA-STS policy (mx: {string.Join(", ", policy.MxPatterns)})") with { Sts = sts };
            }

            hosts = matching;
        }
        else if (policy.Mode == MtaStsMode.Testing && logger is not null)
        {
            foreach (var (_, host) in hosts.Except(matching))
            {
                OutboundLog.MtaStsTestingMismatch(logger, domain, host);
            }
        }

        return null;
    }

    /// <param name="host">The MX host name.</param>
    /// <param name="tls">The TLS policy MTA-STS left for the domain's hosts.</param>
    /// <param name="dane">Whether TLSA records count: DANE is on and the MX answer was DNSSEC-validated.</param>
    /// <param name="cancellationToken">Cancels the lookups.</param>
    private async Task<HostResolution> ResolveHostAsync(string host, TlsPolicy tls, bool dane, CancellationToken cancellationToken)
    {
        if (string.Equals(host, serverName, StringComparison.OrdinalIgnoreCase))
        {
            return new HostResolution(IsSelf: true);
        }

        var addresses = await dns.ResolveAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        if (addresses.Status == DnsStatus.TemporaryFailure)
        {
            return new HostResolution(Temporary: addresses.Error ?? host);
        }

        var endPoints = addresses.Records.Select(r => new IPEndPoint(r.Value, options.RemotePort)).ToList();
        if (endPoints.Exists(e => isSelf(e)))
        {
            return new HostResolution(IsSelf: true);
        }

        if (endPoints.Count == 0)
        {
            return default;
        }

        // RFC 7672 §2.2: TLSA records count only when the MX and address answers were validated too.
        return dane && addresses.Authenticated
            ? await WithDaneAsync(host, endPoints, tls, cancellationToken).ConfigureAwait(false)
            : new HostResolution(Target: new RouteTarget(host, endPoints, tls, false));
    }

    private async Task<HostResolution> WithDaneAsync(string host, List<IPEndPoint> endPoints, TlsPolicy tls, CancellationToken cancellationToken)
    {
        var tlsa = await dns.ResolveTlsaAsync($"_{options.RemotePort}._tcp.{host}", cancellationToken).ConfigureAwait(false);
        if (tlsa.Status == DnsStatus.TemporaryFailure)
        {
            // §2.2.3: a TLSA lookup that fails makes the host unusable for now, not insecure.
            return new HostResolution(Temporary: tlsa.Error ?? $"TLSA lookup for {host} failed");
        }

        if (tlsa is not { Status: DnsStatus.Success, Authenticated: true, Records.Count: > 0 })
        {
            return new HostResolution(Target: new RouteTarget(host, endPoints, tls, false));
        }

        if (Dane.DaneVerifier.Usable(tlsa.Records.Select(r => r.Value)) is { Count: > 0 } usable)
        {
            // RFC 8461 §2: DANE takes precedence over MTA-STS for a host that has it.
            return new HostResolution(Target: new RouteTarget(host, endPoints, TlsPolicy.Dane, false, usable));
        }

        // RFC 7672 §2.2: a secure TLSA RRset whose records are all unusable still requires TLS, unauthenticated
        // (an MTA-STS policy in enforce mode keeps its verified TLS, the stronger of the two).
        return new HostResolution(Target: new RouteTarget(host, endPoints, tls == TlsPolicy.Verified ? tls : TlsPolicy.Encrypted, false, tlsa.Records.Select(r => r.Value).ToList()));
    }

    private static RouteResult Choose(string domain, List<(ushort Preference, RouteTarget Target)> targets, List<string> temporary, ushort? selfPreference, TlsRpt.TlsSessionPolicy? sts)
    {
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
