namespace MailKitServer.Smtp.SenderAuth.Spf;

/// <summary>The mechanisms of SPF (RFC 7208 §5).</summary>
internal enum SpfMechanismKind
{
    /// <summary><c>all</c>: always matches (§5.1).</summary>
    All,

    /// <summary><c>include:</c> another domain's record passes (§5.2).</summary>
    Include,

    /// <summary><c>a</c>: one of the domain's addresses (§5.3).</summary>
    A,

    /// <summary><c>mx</c>: one of the domain's mail exchangers' addresses (§5.4).</summary>
    Mx,

    /// <summary><c>ptr</c>: a validated reverse name in the domain (§5.5; "do not use").</summary>
    Ptr,

    /// <summary><c>ip4:</c> an IPv4 network (§5.6).</summary>
    Ip4,

    /// <summary><c>ip6:</c> an IPv6 network (§5.6).</summary>
    Ip6,

    /// <summary><c>exists:</c> the name has an A record (§5.7).</summary>
    Exists,
}
