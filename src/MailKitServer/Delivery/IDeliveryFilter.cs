namespace MailKitServer.Delivery;

/// <summary>
/// Decides, at final delivery, what happens to a message for one local user (the Sieve package implements it): the
/// mailboxes and flags of its copies, a refusal, and the messages to send because of it (redirects, vacation replies).
/// The SMTP engine calls it for each local mailbox owner; without one every copy goes to the resolved mailbox.
/// </summary>
internal interface IDeliveryFilter
{
    /// <summary>Decides for one user. Must not throw for a faulty rule: a fault keeps the message (in INBOX).</summary>
    /// <param name="input">The user, the envelope and the message.</param>
    /// <param name="cancellationToken">Cancels the decision.</param>
    /// <returns>The decision.</returns>
    ValueTask<FilterDecision> DecideAsync(FilterInput input, CancellationToken cancellationToken);
}
