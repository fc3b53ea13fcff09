using MailKitServer.Addresses;
using MailKitServer.Delivery;
using MailKitServer.Runtime;
using MailKitServer.Storage;
using MailKitServer.Users;
using Microsoft.Extensions.Logging;

namespace MailKitServer.Smtp.Outbound;

/// <summary>
/// Sends a delivery status notification to the sender of a message: into the sender's mailbox when the sender is
/// local, otherwise through the outbound queue. The queue (failed, delayed, relayed) and SMTP's local delivery
/// (delivered) both send through here, so both honour NOTIFY the same way.
/// </summary>
internal static class SenderNotifier
{
    /// <summary>Sends <paramref name="notice"/> (from the null sender) to <paramref name="reversePath"/>.</summary>
    /// <param name="context">The server's seams.</param>
    /// <param name="queue">The outbound queue for a remote sender, if the server has one.</param>
    /// <param name="logger">Where a notice that cannot be stored or queued is reported.</param>
    /// <param name="messageId">The id of the message the notice is about (for the log).</param>
    /// <param name="reversePath">The sender; never empty (nothing is sent about a message from the null sender).</param>
    /// <param name="notice">The notice, CRLF line endings.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    public static async Task SendAsync(MailServerContext context, IOutboundQueue? queue, ILogger logger, string messageId, string reversePath, byte[] notice, CancellationToken cancellationToken)
    {
        if (MailAddress.TryParse(reversePath, allowUtf8: true, out var sender) && await context.Directory.IsLocalDomainAsync(sender.Domain, cancellationToken).ConfigureAwait(false))
        {
            var resolution = await context.Directory.ResolveAsync(sender, cancellationToken).ConfigureAwait(false);
            if (resolution.Status == RecipientStatus.Resolved && resolution.Mailboxes.Count > 0)
            {
                // RFC 5321 §4.4: final delivery records the (null) reverse-path.
                using var stream = new MemoryStream([.. "Return-Path: <>\r\n"u8, .. notice], writable: false);
                var stored = await context.Store.DeliverAsync(new DeliveryRequest(string.Empty, resolution.Mailboxes, context.TimeProvider.GetUtcNow()), stream, cancellationToken).ConfigureAwait(false);
                if (!stored.AllDelivered)
                {
                    OutboundLog.NoticeNotStored(logger, messageId, reversePath, string.Join(", ", stored.Outcomes.Where(o => o.Status != StoreStatus.Success).Select(o => $"{o.Target.UserId}: {o.Status}")));
                }
            }

            foreach (var remote in resolution.RemoteAddresses)
            {
                await QueueAsync(queue, logger, messageId, remote.Address, notice, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        await QueueAsync(queue, logger, messageId, reversePath, notice, cancellationToken).ConfigureAwait(false);
    }

    private static async Task QueueAsync(IOutboundQueue? queue, ILogger logger, string messageId, string to, byte[] notice, CancellationToken cancellationToken)
    {
        if (queue is null)
        {
            OutboundLog.NoticeNotQueued(logger, messageId, to);
            return;
        }

        using var stream = new MemoryStream(notice, writable: false);
        await queue.EnqueueAsync(new OutboundEnvelope(string.Empty, [new OutboundRecipient(to, DsnNotify.Never, null)], BodyType.EightBitMime, false, false, null, null), stream, cancellationToken).ConfigureAwait(false);
    }
}
