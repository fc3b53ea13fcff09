namespace MailKitServer.Dns;

/// <summary>The result of a lookup.</summary>
/// <typeparam name="T">The record's value type.</typeparam>
/// <param name="Status">How it ended.</param>
/// <param name="Records">The records (empty unless <see cref="DnsStatus.Success"/>).</param>
public sealed record DnsResult<T>(DnsStatus Status, IReadOnlyList<DnsRecord<T>> Records)
{
    /// <summary>NXDOMAIN.</summary>
    public static DnsResult<T> NameNotFound { get; } = new(DnsStatus.NameNotFound, []);

    /// <summary>NODATA.</summary>
    public static DnsResult<T> NoRecords { get; } = new(DnsStatus.NoRecords, []);

    /// <summary>A temporary failure.</summary>
    public static DnsResult<T> TemporaryFailure { get; } = new(DnsStatus.TemporaryFailure, []);

    /// <summary>What went wrong, in words fit for a bounce's Diagnostic-Code, or null.</summary>
    public string? Error { get; init; }

    /// <summary>
    /// Whether the resolver said the answer is authenticated: the AD bit of its response (RFC 4035 §3.2.3), which a
    /// validating resolver sets when DNSSEC validated the answer. It means something only when the resolver validates
    /// and the path to it is trusted (a resolver on loopback); DANE (RFC 7672) uses TLSA records only when it is set.
    /// </summary>
    public bool Authenticated { get; init; }
}
