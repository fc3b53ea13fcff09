using MailKitServer.Delivery;

namespace MailKitServer.Smtp.Outbound.Queue;

/// <summary>One recipient of a queued message and its delivery state.</summary>
public sealed class QueuedRecipient
{
    /// <summary>The address.</summary>
    public required string Address { get; init; }

    /// <summary>DSN NOTIFY (RFC 3461 §4.1).</summary>
    public DsnNotify Notify { get; init; }

    /// <summary>DSN ORCPT as <c>addr-type;address</c>, if given.</summary>
    public string? OriginalRecipient { get; init; }

    /// <summary>The state.</summary>
    public RecipientState State { get; set; }

    /// <summary>The enhanced status of the last outcome (RFC 3463), e.g. "5.1.1" or "4.4.1".</summary>
    public string? Status { get; set; }

    /// <summary>The last outcome in words, e.g. <c>smtp; 550 5.1.1 No such user</c> (RFC 3464 Diagnostic-Code).</summary>
    public string? Diagnostic { get; set; }

    /// <summary>The host that gave the last answer, if any (RFC 3464 Remote-MTA).</summary>
    public string? RemoteMta { get; set; }

    /// <summary>When delivery was last tried for this recipient.</summary>
    public DateTimeOffset? LastAttempt { get; set; }

    /// <summary>Whether the next hop took DSN parameters (then a SUCCESS notice is its business, RFC 3461 §5.2.2).</summary>
    public bool NextHopDsn { get; set; }

    /// <summary>Whether the sender has been told of this recipient's final outcome (or needed not be).</summary>
    public bool Reported { get; set; }
}
