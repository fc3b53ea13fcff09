namespace MailKitServer.Smtp.Outbound.MtaSts;

/// <summary>What an MTA-STS policy asks of senders (RFC 8461 §5).</summary>
internal enum MtaStsMode
{
    /// <summary>Deliver as if there were no policy.</summary>
    None,

    /// <summary>Deliver as usual, but report what would have failed.</summary>
    Testing,

    /// <summary>Deliver only to matching MX hosts over TLS with a valid certificate.</summary>
    Enforce,
}
