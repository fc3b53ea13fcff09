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
}
