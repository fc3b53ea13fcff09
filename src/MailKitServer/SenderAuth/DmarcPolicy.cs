namespace MailKitServer.SenderAuth;

/// <summary>What a domain owner asks receivers to do with mail that fails DMARC (RFC 7489 §6.3 <c>p=</c>).</summary>
public enum DmarcPolicy
{
    /// <summary>Nothing (monitoring only).</summary>
    None,

    /// <summary>Treat it as suspicious (deliver to the junk folder).</summary>
    Quarantine,

    /// <summary>Refuse it.</summary>
    Reject,
}
