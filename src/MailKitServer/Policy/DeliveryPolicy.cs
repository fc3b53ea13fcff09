using MailKitServer.Users;
using MailKitServer.Replies;

namespace MailKitServer.Policy;

/// <summary>
/// The default policy, safe as it stands: mail for local addresses is accepted from anyone; relaying to other domains
/// is allowed only for authenticated sessions (no open relay). Override any stage to change it.
/// </summary>
public class DeliveryPolicy : IDeliveryPolicy
{
    /// <summary>The reply for a relay attempt by an unauthenticated client.</summary>
    public static SmtpReply RelayDenied { get; } = new(554, "5.7.1", "Relay access denied");

    /// <inheritdoc />
    public virtual ValueTask<PolicyVerdict> OnConnectAsync(SessionInfo session, CancellationToken cancellationToken) => ValueTask.FromResult(PolicyVerdict.Accept);

    /// <inheritdoc />
    public virtual ValueTask<PolicyVerdict> OnHeloAsync(SessionInfo session, string heloName, CancellationToken cancellationToken) => ValueTask.FromResult(PolicyVerdict.Accept);

    /// <inheritdoc />
    public virtual ValueTask<PolicyVerdict> OnAuthenticatedAsync(SessionInfo session, CancellationToken cancellationToken) => ValueTask.FromResult(PolicyVerdict.Accept);

    /// <inheritdoc />
    public virtual ValueTask<PolicyVerdict> OnMailFromAsync(SessionInfo session, MailFromRequest request, CancellationToken cancellationToken) => ValueTask.FromResult(PolicyVerdict.Accept);

    /// <inheritdoc />
    public virtual ValueTask<RecipientVerdict> OnRecipientAsync(SessionInfo session, RecipientRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(request);
        var verdict = request.Resolution.Status switch
        {
            RecipientStatus.Resolved => RecipientVerdict.Deliver,
            RecipientStatus.UnknownUser => RecipientVerdict.Reject(new SmtpReply(550, "5.1.1", $"<{request.Recipient}>: Recipient address rejected: User unknown")),
            RecipientStatus.Loop => RecipientVerdict.Reject(new SmtpReply(550, "5.4.6", $"<{request.Recipient}>: Alias expansion loop")),
            RecipientStatus.TemporaryFailure => RecipientVerdict.Reject(new SmtpReply(451, "4.3.0", "Temporary directory failure, try again later")),
            _ when session.AuthenticatedUser is not null && session.Role != SmtpRole.Lmtp => RecipientVerdict.Relay,
            _ => RecipientVerdict.Reject(RelayDenied),
        };
        return ValueTask.FromResult(verdict);
    }

    /// <inheritdoc />
    /// <remarks>
    /// The default applies the sender authentication verdict when the listener checks senders
    /// (<see cref="MessageCheckRequest.Authentication"/>): the configured DMARC action (reject, quarantine or accept),
    /// a temporary failure when DNS kept DMARC from deciding; otherwise it accepts. Call it from an override to keep
    /// that behaviour.
    /// </remarks>
    public virtual ValueTask<PolicyVerdict> OnMessageAsync(SessionInfo session, MessageCheckRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ValueTask.FromResult(request.Authentication?.Verdict ?? PolicyVerdict.Accept);
    }
}
