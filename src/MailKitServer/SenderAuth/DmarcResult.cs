namespace MailKitServer.SenderAuth;

/// <summary>The result of a DMARC evaluation (RFC 7489 §11.2).</summary>
public enum DmarcResult
{
    /// <summary>The author's domain publishes no DMARC policy (or the message has no usable From domain).</summary>
    None,

    /// <summary>An aligned SPF or DKIM identifier passed.</summary>
    Pass,

    /// <summary>No aligned identifier passed.</summary>
    Fail,

    /// <summary>The policy, or an aligned check, could not be had now (a DNS time-out).</summary>
    TempError,

    /// <summary>The message cannot be evaluated (several From fields or authors).</summary>
    PermError,
}
