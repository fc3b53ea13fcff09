using MailKitServer.Addresses;
using MailKitServer.Delivery;
using MailKitServer.Runtime;
using MailKitServer.Smtp.Filtering;
using MailKitServer.Storage;
using MailKitServer.Users;
using Microsoft.Extensions.Logging;

namespace MailKitServer.Smtp.Outbound;

/// <summary>
/// Sends a delivery status notification to the sender of a message: into the sender's mailbox when the sender is
/// local, otherwise through the outbound queue. The queue (failed, delayed, relayed) and SMTP's local delivery
/// (delivered) both send through here, so both honour NOTIFY the same way. Sieve's redirects and replies use the
/// same path with their own envelope sender.
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
    public static Task SendAsync(MailServerContext context, IOutboundQueue? queue, ILogger logger, string messageId, string reversePath, byte[] notice, CancellationToken cancellationToken) =>
        SendAsync(context, queue, logger, messageId, string.Empty, reversePath, () => new MemoryStream(notice, writable: false), cancellationToken);

    /// <summary>
    /// Sends a message to one address: into its mailboxes when it is local (through the delivery filter, so the
    /// owner's Sieve script files it), otherwise through the queue.
    /// </summary>
    /// <param name="context">The server's seams.</param>
    /// <param name="queue">The outbound queue for a remote address, if the server has one.</param>
    /// <param name="logger">Where a message that cannot be stored or queued is reported.</param>
    /// <param name="messageId">The id of the message this one is about (for the log).</param>
    /// <param name="from">The envelope sender, empty for <c>&lt;&gt;</c>.</param>
    /// <param name="to">The recipient.</param>
    /// <param name="content">Opens the message (without Return-Path), CRLF line endings; called once per copy.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <param name="runFilter">
    /// Whether a local recipient's filter runs. What that filter sends (a redirect, a reply) is sent with
    /// <see langword="false"/>, so rules that redirect to each other cannot loop.
    /// </param>
    public static async Task SendAsync(MailServerContext context, IOutboundQueue? queue, ILogger logger, string messageId, string from, string to, Func<Stream> content, CancellationToken cancellationToken, bool runFilter = true)
    {
        if (MailAddress.TryParse(to, allowUtf8: true, out var address) && await context.Directory.IsLocalDomainAsync(address.Domain, cancellationToken).ConfigureAwait(false))
        {
            var resolution = await context.Directory.ResolveAsync(address, cancellationToken).ConfigureAwait(false);
            if (resolution.Status == RecipientStatus.Resolved && resolution.Mailboxes.Count > 0)
            {
                // RFC 5321 §4.4: final delivery records the reverse-path.
                using var copy = new MemoryStream();
                copy.Write(System.Text.Encoding.UTF8.GetBytes($"Return-Path: <{from}>\r\n"));
                await using (var body = content())
                {
                    await body.CopyToAsync(copy, cancellationToken).ConfigureAwait(false);
                }

                var stored = copy.ToArray();
                var targets = resolution.Mailboxes.Distinct().Select(m => (m, address.Address)).ToList();
                var local = await LocalDelivery.DeliverAsync(context, logger, messageId, from, targets, () => new MemoryStream(stored, writable: false), stored.Length, context.TimeProvider.GetUtcNow(), cancellationToken, runFilter).ConfigureAwait(false);
                var failed = targets.Where(t => !local.Delivered.Contains(t.m)).Select(t => t.m.UserId).ToList();
                if (failed.Count > 0)
                {
                    OutboundLog.NoticeNotStored(logger, messageId, to, string.Join(", ", failed));
                }

                foreach (var (target, message) in local.Messages)
                {
                    // A refusal by the rules cannot be given in any protocol here: its notice goes like any other message.
                    var bytes = message.WithTrace(message.Content ?? stored[(Array.IndexOf(stored, (byte)'\n') + 1)..]);
                    await SendAsync(context, queue, logger, messageId, message.ReversePath, message.Recipient, () => new MemoryStream(bytes, writable: false), cancellationToken, runFilter: false).ConfigureAwait(false);
                }
            }

            foreach (var remote in resolution.RemoteAddresses)
            {
                await QueueAsync(queue, logger, messageId, from, remote.Address, content, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        await QueueAsync(queue, logger, messageId, from, to, content, cancellationToken).ConfigureAwait(false);
    }

    private static async Task QueueAsync(IOutboundQueue? queue, ILogger logger, string messageId, string from, string to, Func<Stream> content, CancellationToken cancellationToken)
    {
        if (queue is null)
        {
            OutboundLog.NoticeNotQueued(logger, messageId, to);
            return;
        }

        await using var stream = content();
        await queue.EnqueueAsync(new OutboundEnvelope(from, [new OutboundRecipient(to, DsnNotify.Never, null)], BodyType.EightBitMime, false, false, null, null), stream, cancellationToken).ConfigureAwait(false);
    }
}
