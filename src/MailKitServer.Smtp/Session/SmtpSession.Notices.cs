using MailKitServer.Delivery;
using MailKitServer.Smtp.Outbound.Queue;
using MailKitServer.Smtp.Diagnostics;
using MailKitServer.Smtp.Outbound;
using MailKitServer.Storage;

namespace MailKitServer.Smtp.Session;

/// <summary>"Delivered" notices for local delivery (RFC 3461 §5.2.3), composed and sent as the outbound queue does its own.</summary>
internal sealed partial class SmtpSession
{
    /// <summary>
    /// Sends the sender a "delivered" DSN for the recipients that asked for one with NOTIFY=SUCCESS and whose every
    /// mailbox has the message. A recipient with remote addresses too is left to the queue, which reports on the
    /// whole recipient once it knows. A failure here is logged: the message itself is stored either way.
    /// </summary>
    private async ValueTask NotifyDeliveredAsync(SmtpTransaction transaction, IReadOnlyList<SmtpRecipient> recipients, string messageId, DateTimeOffset arrivedAt)
    {
        var reported = recipients.Where(r => (r.Notify & DsnNotify.Success) != 0 && r.Remote.Count == 0 && r.Mailboxes.Count > 0).ToList();
        if (reported.Count == 0)
        {
            return;
        }

        if (transaction.ReversePath.Length == 0)
        {
            // RFC 3461 §6.2: nothing is ever sent about a message from the null sender.
            SmtpLog.NoticeToNullSender(_logger, _connection.Id, messageId);
            return;
        }

        try
        {
            byte[] original;
            await using (var content = transaction.Spool.OpenRead(transaction.ReturnPathLength))
            {
                using var copy = new MemoryStream();
                await content.CopyToAsync(copy, _connection.Aborted).ConfigureAwait(false);
                original = copy.ToArray();
            }

            var message = new QueuedMessage
            {
                Id = messageId,
                ReversePath = transaction.ReversePath,
                Recipients = [],
                Body = transaction.Body,
                SmtpUtf8 = transaction.SmtpUtf8,
                Return = transaction.Return,
                EnvelopeId = transaction.EnvelopeId,
                ArrivedAt = arrivedAt,
            };
            var delivered = reported.Select(r => new QueuedRecipient
            {
                Address = r.Address.Address,
                Notify = r.Notify,
                OriginalRecipient = r.OriginalRecipient,
                State = RecipientState.Delivered,
                Status = "2.0.0",
                Diagnostic = "x-mailkitserver; delivered to mailbox",
                LastAttempt = arrivedAt,
            }).ToList();
            var notice = DsnComposer.Compose(message, delivered, DsnAction.Delivered, ServerName, original, _context.TimeProvider.GetUtcNow(), null);
            _context.Metrics.Bounces.Add(1);
            await SenderNotifier.SendAsync(_context, _context.OutboundQueue, _logger, messageId, transaction.ReversePath, notice, _connection.Aborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            SmtpLog.NoticeFailed(_logger, ex, _connection.Id, messageId);
        }
    }
}
