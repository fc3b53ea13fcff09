namespace MailKitServer.Smtp.Outbound;

/// <summary>The Action field of a delivery status notification (RFC 3464 §2.3.3).</summary>
internal enum DsnAction
{
    Failed,
    Delayed,
    Delivered,
    Relayed,
}
