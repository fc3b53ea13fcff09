using MailKitServer.Policy;

namespace MailKitServer.SenderAuth;

/// <summary>
/// What the inbound checks found out about who sent a message (SPF, DKIM, DMARC, ARC), as recorded in the
/// <c>Authentication-Results</c> field prepended to it (RFC 8601), and what the configured DMARC action makes of it.
/// The delivery policy receives it with the message (<see cref="MessageCheckRequest.Authentication"/>) and decides.
/// </summary>
public sealed class SenderAuthentication
{
    /// <summary>The authentication service identifier the results are recorded under (RFC 8601 §2.5).</summary>
    public required string AuthServId { get; init; }

    /// <summary>The SPF check that counts: of the MAIL FROM domain, or of the HELO name for the null sender (RFC 7208 §2.4).</summary>
    public required SpfOutcome Spf { get; init; }

    /// <summary>The SPF check of the HELO/EHLO name (RFC 7208 §2.3), or <see langword="null"/> when it was not made.</summary>
    public SpfOutcome? Helo { get; init; }

    /// <summary>One entry per DKIM-Signature field, in the order they appear; empty when the message is not signed.</summary>
    public required IReadOnlyList<DkimOutcome> Dkim { get; init; }

    /// <summary>The DMARC evaluation of the From domain.</summary>
    public required DmarcOutcome Dmarc { get; init; }

    /// <summary>The ARC chain validation.</summary>
    public required ArcOutcome Arc { get; init; }

    /// <summary>The <c>Authentication-Results</c> field prepended to the message, folded, with its CRLF.</summary>
    public required string HeaderField { get; init; }

    /// <summary>
    /// What the server's DMARC action makes of the result: <see cref="PolicyVerdict.Accept"/>,
    /// <see cref="PolicyVerdict.Quarantine"/>, a <c>550 5.7.1</c> rejection, or a <c>451</c> when a DNS failure kept
    /// DMARC from deciding. The default <see cref="DeliveryPolicy.OnMessageAsync"/> returns it.
    /// </summary>
    public required PolicyVerdict Verdict { get; init; }
}
