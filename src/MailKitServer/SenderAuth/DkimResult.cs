namespace MailKitServer.SenderAuth;

/// <summary>The result of verifying one DKIM signature (RFC 6376 §6, as RFC 8601 §2.7.1 names it).</summary>
public enum DkimResult
{
    /// <summary>The message carries no signature.</summary>
    None,

    /// <summary>The signature verified.</summary>
    Pass,

    /// <summary>The signature did not verify (changed body or header fields, wrong key, a body shorter than <c>l=</c>).</summary>
    Fail,

    /// <summary>The signature verified but is not acceptable by local policy (an algorithm or key size not accepted).</summary>
    Policy,

    /// <summary>The signature could not be processed (a malformed tag list or a missing required tag).</summary>
    Neutral,

    /// <summary>The key could not be retrieved now (a DNS time-out).</summary>
    TempError,

    /// <summary>The key is missing or unusable (no such record, a malformed or revoked key).</summary>
    PermError,
}
