namespace MailKitServer.Smtp.Screening.Dnsbl;

/// <summary>The outcome of asking the DNS lists about a client.</summary>
internal enum DnsListOutcome
{
    /// <summary>No list named the client (or none answered in time).</summary>
    NotListed,

    /// <summary>An allow list (DNSWL) named the client: block lists and greylisting are skipped.</summary>
    Allowed,

    /// <summary>A block list (DNSBL) named the client, and no allow list did.</summary>
    Blocked,
}
