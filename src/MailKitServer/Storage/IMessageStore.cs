namespace MailKitServer.Storage;

/// <summary>
/// The message store seam: durable delivery of incoming mail and per-user access for POP3 and IMAP.
/// Implementations must be safe for many concurrent sessions.
/// </summary>
public interface IMessageStore
{
    /// <summary>
    /// Delivers one message to one or more mailboxes. The returned task completes only once the message is
    /// durable in every mailbox reported as delivered: the SMTP engine answers 250 on that completion.
    /// </summary>
    /// <param name="request">The envelope and the mailboxes to deliver to.</param>
    /// <param name="content">The message, read once to its end; the store must not keep the stream.</param>
    /// <param name="cancellationToken">Cancels the delivery; nothing may be reported delivered after cancellation.</param>
    /// <returns>One outcome per target, in the order of <see cref="DeliveryRequest.Targets"/>.</returns>
    ValueTask<DeliveryResult> DeliverAsync(DeliveryRequest request, Stream content, CancellationToken cancellationToken);

    /// <summary>Opens one user's mailbox tree for a protocol session, creating the account on first use.</summary>
    /// <param name="userId">The user id, as the <see cref="Users.IUserDirectory"/> gives it.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The account; dispose it when the session ends.</returns>
    ValueTask<IMailAccount> OpenAccountAsync(string userId, CancellationToken cancellationToken);
}
