namespace MailKitServer.Smtp.Outbound;

/// <summary>How the client uses STARTTLS with a next hop.</summary>
internal enum TlsPolicy
{
    /// <summary>Never.</summary>
    None,

    /// <summary>When offered (RFC 7435); certificates checked only if the options say so.</summary>
    Opportunistic,

    /// <summary>Must be offered (a smart host that gets credentials); its certificate is checked unless the options say not to.</summary>
    Required,

    /// <summary>
    /// Must be offered and the certificate must be valid for the host name, whatever the options say; no fallback to
    /// plain text (an MX host of a domain whose MTA-STS policy is in enforce mode, RFC 8461 §4.2).
    /// </summary>
    Verified,

    /// <summary>
    /// Must be offered and the certificate must match one of the host's DNSSEC-validated TLSA records (DANE, RFC 7672
    /// §2.2); no fallback to plain text.
    /// </summary>
    Dane,

    /// <summary>
    /// Must be offered, the certificate not checked: the host's DNSSEC-validated TLSA records are all unusable, which
    /// still says the host does TLS (RFC 7672 §2.2: mandatory unauthenticated TLS); no fallback to plain text.
    /// </summary>
    Encrypted,
}
