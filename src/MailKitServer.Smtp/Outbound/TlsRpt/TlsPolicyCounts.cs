namespace MailKitServer.Smtp.Outbound.TlsRpt;

/// <summary>One policy's sessions of one day (RFC 8460 §4.4 "summary" and "failure-details"); guarded by the collector's lock.</summary>
/// <param name="policy">The policy (type, lines, MX patterns) the sessions were made under.</param>
internal sealed class TlsPolicyCounts(TlsSessionPolicy policy)
{
    /// <summary>The most distinct failure rows kept per policy; further kinds are counted in the summary only.</summary>
    public const int MaxFailureRows = 100;

    public TlsSessionPolicy Policy { get; } = policy;

    public long Successes { get; set; }

    public long Failures { get; set; }

    /// <summary>Failed sessions by result type, MX host and address, with the first detail seen.</summary>
    public Dictionary<(string ResultType, string? Host, string? Address), (long Count, string? Detail)> Details { get; } = [];

    public void AddFailure(string resultType, string? host, string? address, string? detail)
    {
        Failures++;
        var key = (resultType, host, address);
        if (Details.TryGetValue(key, out var row))
        {
            Details[key] = (row.Count + 1, row.Detail);
        }
        else if (Details.Count < MaxFailureRows)
        {
            Details[key] = (1, detail);
        }
    }
}
