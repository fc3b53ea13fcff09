namespace MailKitServer.Dns.Client;

/// <summary>The outcome of one lookup after CNAMEs were followed, as cached.</summary>
/// <param name="Status">How it ended.</param>
/// <param name="Records">The records of the type asked (at the end of any CNAME chain).</param>
/// <param name="Error">What went wrong, for diagnostics, or null.</param>
internal sealed record DnsAnswer(DnsStatus Status, IReadOnlyList<DnsResourceRecord> Records, string? Error);
