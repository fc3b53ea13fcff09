using System.Net;

namespace MailKitServer.Smtp.Screening.Dnsbl;

/// <summary>What the DNS lists say of a client: nothing, allowed by an allow list, or blocked by a block list.</summary>
/// <param name="Kind">The outcome.</param>
/// <param name="Zone">The list that named the client, when one did.</param>
/// <param name="Answer">The list's answer (its return code), when one named the client.</param>
internal sealed record DnsListVerdict(DnsListOutcome Kind, DnsListZone? Zone = null, IPAddress? Answer = null)
{
    public static DnsListVerdict NotListed { get; } = new(DnsListOutcome.NotListed);
}
