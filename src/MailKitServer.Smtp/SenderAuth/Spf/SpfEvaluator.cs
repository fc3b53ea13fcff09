using System.Net;
using System.Net.Sockets;
using MailKitServer.Dns;
using MailKitServer.SenderAuth;

namespace MailKitServer.Smtp.SenderAuth.Spf;

/// <summary>
/// The SPF check_host() function (RFC 7208 §4) on the <see cref="IDnsResolver"/> seam: every mechanism and modifier,
/// macros, and the processing limits of §4.6.4 — at most 10 terms that query DNS (include, a, mx, ptr, exists,
/// redirect), at most 2 void lookups, at most 10 exchanger names per mx and 10 names per ptr — so an include loop or a
/// record with 30 includes ends in permerror. A DNS time-out ends it in temperror, and so does the whole evaluation
/// running longer than the configured limit (§4.6.4 suggests at least 20 seconds).
/// </summary>
internal sealed class SpfEvaluator(IDnsResolver dns, string receiver, TimeProvider time, TimeSpan timeLimit)
{
    /// <summary>Terms that cause DNS lookups, per evaluation (§4.6.4).</summary>
    public const int MaxLookupTerms = 10;

    /// <summary>Lookups that find nothing, per evaluation (§4.6.4).</summary>
    public const int MaxVoidLookups = 2;

    /// <summary>Exchanger names looked at per mx, and validated names per ptr (§4.6.4).</summary>
    public const int MaxNames = 10;

    /// <summary>Checks the MAIL FROM identity (§2.4): the domain of <paramref name="mailFrom"/>, or the HELO name for the null sender.</summary>
    /// <param name="client">The client's address.</param>
    /// <param name="mailFrom">The reverse-path, or <see langword="null"/> for <c>&lt;&gt;</c>.</param>
    /// <param name="helo">The HELO/EHLO name.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>The outcome, with identity <c>mailfrom</c> (or <c>helo</c> for the null sender).</returns>
    public Task<SpfOutcome> CheckMailFromAsync(IPAddress client, string? mailFrom, string helo, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(mailFrom))
        {
            return CheckHeloAsync(client, helo, cancellationToken);
        }

        var at = mailFrom.LastIndexOf('@');
        var local = at <= 0 ? "postmaster" : mailFrom[..at];
        var domain = at < 0 ? mailFrom : mailFrom[(at + 1)..];
        return CheckAsync("mailfrom", client, local, domain, helo, cancellationToken);
    }

    /// <summary>Checks the HELO identity (§2.3): <c>postmaster@</c> the HELO name.</summary>
    /// <param name="client">The client's address.</param>
    /// <param name="helo">The HELO/EHLO name.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>The outcome, with identity <c>helo</c>.</returns>
    public Task<SpfOutcome> CheckHeloAsync(IPAddress client, string helo, CancellationToken cancellationToken) =>
        CheckAsync("helo", client, "postmaster", helo, helo, cancellationToken);

    private async Task<SpfOutcome> CheckAsync(string identity, IPAddress client, string localPart, string domain, string helo, CancellationToken cancellationToken)
    {
        if (client.IsIPv4MappedToIPv6)
        {
            client = client.MapToIPv4();
        }

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeLimit);
        var run = new Run(dns, client, limit.Token);
        run.Macros = new SpfMacroContext($"{localPart}@{domain}", localPart, domain, client, helo, receiver, time.GetUtcNow().ToUnixTimeSeconds(), run.ValidatedNameAsync);
        try
        {
            var (result, explanation) = await run.CheckHostAsync(domain, depth: 0).ConfigureAwait(false);
            return new SpfOutcome(result, identity, domain, explanation);
        }
        catch (SpfException ex)
        {
            return new SpfOutcome(ex.Result, identity, domain, ex.Message);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new SpfOutcome(SpfResult.TempError, identity, domain, $"the check took longer than {timeLimit.TotalSeconds:0} seconds");
        }
    }

    /// <summary>The state of one evaluation: the counters the limits apply to.</summary>
    private sealed class Run(IDnsResolver dns, IPAddress client, CancellationToken cancellationToken)
    {
        private int _lookupTerms;
        private int _voidLookups;
        private string? _validatedName;

        public SpfMacroContext Macros { get; set; } = null!;

        private bool IsV6 => client.AddressFamily == AddressFamily.InterNetworkV6;

        /// <summary>check_host(ip, domain, sender) (§4); the result and, for fail, the explanation.</summary>
        public async Task<(SpfResult Result, string? Explanation)> CheckHostAsync(string domain, int depth)
        {
            // §4.3: a malformed or single-label domain, or one that does not exist, gives "none".
            if (!DomainNames.IsMultiLabel(domain))
            {
                return (SpfResult.None, $"'{domain}' is not a valid domain name");
            }

            domain = domain.TrimEnd('.');
            var txt = await dns.ResolveTxtAsync(domain, cancellationToken).ConfigureAwait(false);
            if (txt.Status == DnsStatus.TemporaryFailure)
            {
                // §4.4: a DNS error other than NXDOMAIN is a temperror.
                return (SpfResult.TempError, txt.Error ?? $"DNS lookup of {domain} TXT failed");
            }

            // §4.5: keep the records that start with v=spf1; none is "none", more than one a permerror.
            var records = txt.Records.Select(r => r.Value).Where(SpfRecordParser.IsSpfRecord).ToList();
            if (records.Count == 0)
            {
                return (SpfResult.None, $"{domain} has no SPF record");
            }

            if (records.Count > 1)
            {
                return (SpfResult.PermError, $"{domain} has {records.Count} SPF records");
            }

            if (!SpfRecordParser.TryParse(records[0], out var record, out var error))
            {
                return (SpfResult.PermError, $"{domain}: {error}");
            }

            foreach (var mechanism in record.Mechanisms)
            {
                if (await MatchesAsync(mechanism, domain, depth).ConfigureAwait(false))
                {
                    var explanation = mechanism.Qualifier == SpfResult.Fail && record.Explanation is { } exp
                        ? await ExplainAsync(exp, domain).ConfigureAwait(false)
                        : null;
                    return (mechanism.Qualifier, explanation);
                }
            }

            if (record.Redirect is { } redirect)
            {
                // §6.1: only when no mechanism matched; the target's own exp= applies, not this record's.
                CountLookupTerm();
                var target = await SpfMacro.ExpandDomainAsync(redirect, domain, Macros, cancellationToken).ConfigureAwait(false);
                var (result, explanation) = await CheckHostAsync(target, depth + 1).ConfigureAwait(false);
                return result == SpfResult.None
                    ? (SpfResult.PermError, $"redirect to {target}, which has no SPF record")
                    : (result, explanation);
            }

            // §4.7: no match and no redirect: neutral.
            return (SpfResult.Neutral, null);
        }

        private async Task<bool> MatchesAsync(SpfMechanism mechanism, string domain, int depth)
        {
            switch (mechanism.Kind)
            {
                case SpfMechanismKind.All:
                    return true;
                case SpfMechanismKind.Ip4:
                case SpfMechanismKind.Ip6:
                    return IpNetwork.Contains(mechanism.Network!, mechanism.Kind == SpfMechanismKind.Ip4 ? mechanism.Ip4Prefix : mechanism.Ip6Prefix, client);
                case SpfMechanismKind.Include:
                    return await IncludeMatchesAsync(mechanism, domain, depth).ConfigureAwait(false);
                case SpfMechanismKind.A:
                {
                    CountLookupTerm();
                    var target = await TargetAsync(mechanism, domain).ConfigureAwait(false);
                    var addresses = await AddressesAsync(target, IsV6).ConfigureAwait(false);
                    return addresses.Exists(a => IpNetwork.Contains(a, Prefix(mechanism), client));
                }

                case SpfMechanismKind.Mx:
                    return await MxMatchesAsync(mechanism, domain).ConfigureAwait(false);
                case SpfMechanismKind.Ptr:
                {
                    CountLookupTerm();
                    var target = await TargetAsync(mechanism, domain).ConfigureAwait(false);
                    var names = await ValidatedNamesAsync().ConfigureAwait(false);
                    return names.Exists(n => DomainNames.IsSameOrSubdomain(n, target));
                }

                case SpfMechanismKind.Exists:
                {
                    CountLookupTerm();
                    var target = await TargetAsync(mechanism, domain).ConfigureAwait(false);

                    // §5.7: an A lookup, whatever the client's address family.
                    var addresses = await AddressesAsync(target, v6: false).ConfigureAwait(false);
                    return addresses.Count > 0;
                }

                default:
                    throw new SpfException(SpfResult.PermError, $"unknown mechanism {mechanism.Kind}");
            }
        }

        /// <summary>include: (§5.2): the target's check_host() passes.</summary>
        private async Task<bool> IncludeMatchesAsync(SpfMechanism mechanism, string domain, int depth)
        {
            CountLookupTerm();
            var target = await TargetAsync(mechanism, domain).ConfigureAwait(false);
            var (result, explanation) = await CheckHostAsync(target, depth + 1).ConfigureAwait(false);

            // §5.2: pass matches; fail, softfail and neutral do not; errors propagate; none is a permerror.
            return result switch
            {
                SpfResult.Pass => true,
                SpfResult.Fail or SpfResult.SoftFail or SpfResult.Neutral => false,
                SpfResult.TempError => throw new SpfException(SpfResult.TempError, explanation ?? $"include:{target}: temperror"),
                SpfResult.None => throw new SpfException(SpfResult.PermError, $"include:{target}: no SPF record"),
                _ => throw new SpfException(SpfResult.PermError, explanation ?? $"include:{target}: permerror"),
            };
        }

        /// <summary>mx (§5.4): the client is in the network of an address of one of the target's exchangers.</summary>
        private async Task<bool> MxMatchesAsync(SpfMechanism mechanism, string domain)
        {
            CountLookupTerm();
            var target = await TargetAsync(mechanism, domain).ConfigureAwait(false);
            var mx = await dns.ResolveMxAsync(target, cancellationToken).ConfigureAwait(false);
            if (mx.Status == DnsStatus.TemporaryFailure)
            {
                throw new SpfException(SpfResult.TempError, mx.Error ?? $"DNS lookup of {target} MX failed");
            }

            var exchangers = mx.Records.Select(r => r.Value.Exchange.TrimEnd('.')).Where(e => e.Length > 0).ToList();
            if (exchangers.Count == 0)
            {
                CountVoid(target);
                return false;
            }

            if (exchangers.Count > MaxNames)
            {
                // §4.6.4: more than 10 exchanger names is a permerror.
                throw new SpfException(SpfResult.PermError, $"{target} has more than {MaxNames} MX records");
            }

            foreach (var exchanger in exchangers)
            {
                var addresses = await AddressesAsync(exchanger, IsV6).ConfigureAwait(false);
                if (addresses.Exists(a => IpNetwork.Contains(a, Prefix(mechanism), client)))
                {
                    return true;
                }
            }

            return false;
        }

        private int Prefix(SpfMechanism mechanism) => IsV6 ? mechanism.Ip6Prefix : mechanism.Ip4Prefix;

        private async ValueTask<string> TargetAsync(SpfMechanism mechanism, string domain) =>
            mechanism.DomainSpec is { } spec ? await SpfMacro.ExpandDomainAsync(spec, domain, Macros, cancellationToken).ConfigureAwait(false) : domain;

        /// <summary>The addresses of one family; a time-out is a temperror, nothing found a void lookup.</summary>
        private async Task<List<IPAddress>> AddressesAsync(string name, bool v6)
        {
            if (!DomainNames.IsMultiLabel(name))
            {
                CountVoid(name);
                return [];
            }

            var answer = await dns.ResolveAddressesAsync(name, cancellationToken).ConfigureAwait(false);
            if (answer.Status == DnsStatus.TemporaryFailure)
            {
                throw new SpfException(SpfResult.TempError, answer.Error ?? $"DNS lookup of {name} failed");
            }

            var family = v6 ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork;
            var addresses = answer.Records.Select(r => r.Value).Where(a => a.AddressFamily == family).ToList();
            if (addresses.Count == 0)
            {
                CountVoid(name);
            }

            return addresses;
        }

        /// <summary>
        /// The client's validated names (§5.5): PTR names (at most 10) whose addresses include the client. A failed
        /// PTR lookup matches nothing; failed address lookups skip that name.
        /// </summary>
        private async Task<List<string>> ValidatedNamesAsync()
        {
            var ptr = await dns.ResolvePtrAsync(client, cancellationToken).ConfigureAwait(false);
            if (ptr.Status != DnsStatus.Success)
            {
                if (ptr.Status != DnsStatus.TemporaryFailure)
                {
                    CountVoid(client.ToString());
                }

                return [];
            }

            var validated = new List<string>();
            var family = client.AddressFamily;
            foreach (var name in ptr.Records.Select(r => r.Value.TrimEnd('.')).Take(MaxNames))
            {
                if (!DomainNames.IsMultiLabel(name))
                {
                    continue;
                }

                var answer = await dns.ResolveAddressesAsync(name, cancellationToken).ConfigureAwait(false);
                if (answer.Records.Any(r => r.Value.AddressFamily == family && r.Value.Equals(client)))
                {
                    validated.Add(name);
                }
            }

            return validated;
        }

        /// <summary>%{p} (§7.3): the validated name equal to the domain, else one of its subdomains, else any, else "unknown".</summary>
        public async ValueTask<string> ValidatedNameAsync(string domain, CancellationToken token)
        {
            if (_validatedName is not null)
            {
                return _validatedName;
            }

            var names = await ValidatedNamesAsync().ConfigureAwait(false);
            _validatedName = names.Find(n => n.Equals(domain, StringComparison.OrdinalIgnoreCase))
                ?? names.Find(n => DomainNames.IsSameOrSubdomain(n, domain))
                ?? names.FirstOrDefault()
                ?? "unknown";
            return _validatedName;
        }

        /// <summary>
        /// The explanation of a fail (§6.2): the exp= domain's one TXT record, macro-expanded; any problem (no record,
        /// several, a DNS error, a syntax error) means no explanation, not an error.
        /// </summary>
        private async Task<string?> ExplainAsync(string spec, string domain)
        {
            try
            {
                var name = await SpfMacro.ExpandDomainAsync(spec, domain, Macros, cancellationToken).ConfigureAwait(false);
                if (!DomainNames.IsMultiLabel(name))
                {
                    return null;
                }

                var txt = await dns.ResolveTxtAsync(name, cancellationToken).ConfigureAwait(false);
                if (txt.Status != DnsStatus.Success || txt.Records.Count != 1 || !SpfMacro.IsValid(txt.Records[0].Value, explanation: true))
                {
                    return null;
                }

                var text = await SpfMacro.ExpandAsync(txt.Records[0].Value, domain, Macros, explanation: true, cancellationToken).ConfigureAwait(false);
                return text.All(c => c is >= ' ' and <= '~') ? text : null;
            }
            catch (SpfException)
            {
                return null;
            }
        }

        private void CountLookupTerm()
        {
            if (++_lookupTerms > MaxLookupTerms)
            {
                throw new SpfException(SpfResult.PermError, $"more than {MaxLookupTerms} DNS-querying terms (RFC 7208 §4.6.4)");
            }
        }

        private void CountVoid(string name)
        {
            if (++_voidLookups > MaxVoidLookups)
            {
                throw new SpfException(SpfResult.PermError, $"more than {MaxVoidLookups} void DNS lookups (RFC 7208 §4.6.4), the last for {name}");
            }
        }
    }
}
