namespace MailKitServer.SenderAuth;

/// <summary>The result of an SPF check (RFC 7208 §2.6), as Authentication-Results names it (RFC 8601 §2.7.2).</summary>
public enum SpfResult
{
    /// <summary>No SPF record was found, or the domain could not be checked (it is not a valid domain name).</summary>
    None,

    /// <summary>The domain owner states nothing about whether the client is authorized.</summary>
    Neutral,

    /// <summary>The client is authorized to use the domain.</summary>
    Pass,

    /// <summary>The client is not authorized to use the domain.</summary>
    Fail,

    /// <summary>The client is probably not authorized (a weak fail).</summary>
    SoftFail,

    /// <summary>A transient error (a DNS time-out); a later check may succeed.</summary>
    TempError,

    /// <summary>The domain's records could not be interpreted (a syntax error, a lookup limit exceeded).</summary>
    PermError,
}
