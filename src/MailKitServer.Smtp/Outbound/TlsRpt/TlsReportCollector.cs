using System.Net;

namespace MailKitServer.Smtp.Outbound.TlsRpt;

/// <summary>
/// Counts outbound TLS sessions per policy domain (the recipient domain), per UTC day and per policy, for the daily
/// TLSRPT reports (RFC 8460 §4). Bounded: at most <see cref="MaxDomainsPerDay"/> domain-days waiting for their report and
/// <see cref="MaxPoliciesPerDomain"/> policies a domain; sessions beyond are not counted.
/// </summary>
internal sealed class TlsReportCollector(TimeProvider time)
{
    public const int MaxDomainsPerDay = 10_000;

    public const int MaxPoliciesPerDomain = 20;

    private readonly Dictionary<(DateOnly Day, string Domain), Dictionary<string, TlsPolicyCounts>> _days = [];

    /// <summary>A session that negotiated TLS as the policy asks.</summary>
    public void Success(string domain, TlsSessionPolicy policy)
    {
        lock (_days)
        {
            if (Counts(domain, policy) is { } counts)
            {
                counts.Successes++;
            }
        }
    }

    /// <summary>A session (or, for an MX host the policy does not name, a delivery) that failed the policy.</summary>
    public void Failure(string domain, TlsSessionPolicy policy, string resultType, string? host, IPAddress? address, string? detail)
    {
        lock (_days)
        {
            Counts(domain, policy)?.AddFailure(resultType, host, address?.ToString(), detail);
        }
    }

    /// <summary>Removes and returns every day before <paramref name="before"/>, by domain.</summary>
    public List<(DateOnly Day, string Domain, IReadOnlyList<TlsPolicyCounts> Policies)> TakeBefore(DateOnly before)
    {
        lock (_days)
        {
            var due = _days.Where(d => d.Key.Day < before).ToList();
            foreach (var (key, _) in due)
            {
                _days.Remove(key);
            }

            return due.OrderBy(d => d.Key.Day).ThenBy(d => d.Key.Domain, StringComparer.Ordinal)
                .Select(d => (d.Key.Day, d.Key.Domain, (IReadOnlyList<TlsPolicyCounts>)d.Value.Values.ToList())).ToList();
        }
    }

    private TlsPolicyCounts? Counts(string domain, TlsSessionPolicy policy)
    {
        var key = (DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime), domain.ToLowerInvariant());
        if (!_days.TryGetValue(key, out var policies))
        {
            if (_days.Count >= MaxDomainsPerDay)
            {
                return null;
            }

            _days[key] = policies = [];
        }

        if (!policies.TryGetValue(policy.Key, out var counts))
        {
            if (policies.Count >= MaxPoliciesPerDomain)
            {
                return null;
            }

            policies[policy.Key] = counts = new TlsPolicyCounts(policy);
        }

        return counts;
    }
}
