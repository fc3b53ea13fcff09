namespace MailKitServer.SenderAuth;

/// <summary>The result of validating a message's ARC chain (RFC 8617 §4.4, as RFC 8601 names it).</summary>
public enum ArcResult
{
    /// <summary>The message carries no ARC sets.</summary>
    None,

    /// <summary>Every ARC set validated.</summary>
    Pass,

    /// <summary>The chain is broken or a seal or message signature did not verify.</summary>
    Fail,
}
