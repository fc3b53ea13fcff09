namespace MailKitServer.Delivery;

/// <summary>What a <see cref="IDeliveryFilter"/> decided for one user.</summary>
/// <param name="Copies">The copies to store (none: the message is discarded or refused for this user).</param>
/// <param name="RejectReason">Set when the user's rules refuse the message (RFC 5429); the engine refuses it in the protocol when it can, otherwise it sends a notice.</param>
/// <param name="Messages">Messages to send once the delivery is acknowledged.</param>
internal sealed record FilterDecision(IReadOnlyList<FiledCopy> Copies, string? RejectReason, IReadOnlyList<FilterMessage> Messages)
{
    /// <summary>The decision of no filter: one copy in the resolved mailbox.</summary>
    /// <returns>The decision.</returns>
    public static FilterDecision Keep(string mailbox) => new([new FiledCopy(mailbox, Storage.SystemFlags.None, [])], null, []);
}
