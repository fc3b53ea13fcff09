namespace MailKitServer.Delivery;

/// <summary>
/// The outbound queue seam: the SMTP engine hands it mail for remote recipients (relay, forwarding) and answers 250
/// only once <see cref="EnqueueAsync"/> returns, so the queue must be durable by then.
/// </summary>
public interface IOutboundQueue
{
    /// <summary>Queues a message for remote delivery.</summary>
    /// <param name="envelope">The envelope with its DSN parameters.</param>
    /// <param name="content">The message, read to its end.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The queue id, once the message is durable.</returns>
    ValueTask<string> EnqueueAsync(OutboundEnvelope envelope, Stream content, CancellationToken cancellationToken);
}
