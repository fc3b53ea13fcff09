namespace MailKitServer.Policy;

/// <summary>
/// The delivery policy seam: a verdict at each SMTP stage. Derive from <see cref="DeliveryPolicy"/> and override only
/// the stages of interest. A verdict that refuses carries the exact SMTP reply to send.
/// </summary>
public interface IDeliveryPolicy
{
    /// <summary>A client connected; refusing sends the reply instead of the greeting and closes.</summary>
    /// <param name="session">The connection, listener and role; the same instance for every call of one session.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>The verdict.</returns>
    ValueTask<PolicyVerdict> OnConnectAsync(SessionInfo session, CancellationToken cancellationToken);

    /// <summary>The client sent HELO, EHLO or LHLO.</summary>
    /// <param name="session">The connection, listener and role; the same instance for every call of one session.</param>
    /// <param name="heloName">The name it gave.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>The verdict.</returns>
    ValueTask<PolicyVerdict> OnHeloAsync(SessionInfo session, string heloName, CancellationToken cancellationToken);

    /// <summary>The client authenticated (its credentials were valid).</summary>
    /// <param name="session">The session, with <see cref="SessionInfo.AuthenticatedUser"/> set.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>The verdict; a refusal fails the AUTH command.</returns>
    ValueTask<PolicyVerdict> OnAuthenticatedAsync(SessionInfo session, CancellationToken cancellationToken);

    /// <summary>The client sent MAIL FROM.</summary>
    /// <param name="session">The connection, listener and role; the same instance for every call of one session.</param>
    /// <param name="request">The command.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>The verdict.</returns>
    ValueTask<PolicyVerdict> OnMailFromAsync(SessionInfo session, MailFromRequest request, CancellationToken cancellationToken);

    /// <summary>The client sent RCPT TO: deliver locally, relay, or refuse.</summary>
    /// <param name="session">The connection, listener and role; the same instance for every call of one session.</param>
    /// <param name="request">The command and the directory's resolution.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>The verdict.</returns>
    ValueTask<RecipientVerdict> OnRecipientAsync(SessionInfo session, RecipientRequest request, CancellationToken cancellationToken);

    /// <summary>The message was received in full; refusing here means nothing is delivered.</summary>
    /// <param name="session">The connection, listener and role; the same instance for every call of one session.</param>
    /// <param name="request">The envelope and the content.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>The verdict.</returns>
    ValueTask<PolicyVerdict> OnMessageAsync(SessionInfo session, MessageCheckRequest request, CancellationToken cancellationToken);
}
