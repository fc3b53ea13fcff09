using MailKitServer.Delivery;
using MailKitServer.Runtime;
using MailKitServer.Smtp.Outbound.Queue;
using Microsoft.Extensions.Logging;

namespace MailKitServer.Smtp.Outbound;

/// <summary>
/// The outbound queue's bouncer: after an attempt, ends recipients whose time in the queue ran out and tells the
/// sender what became final (failed, or relayed where NOTIFY asked and the next hop cannot report it) and, once,
/// what is delayed — each notice a delivery status notification (RFC 3464) from the null sender.
/// </summary>
internal sealed class Bouncer
{
    private readonly MailServerContext _context;
    private readonly OutboundOptions _options;
    private readonly IQueueStore _store;
    private readonly IOutboundQueue _queue;
    private readonly string _reportingMta;
    private readonly ILogger _logger;

    /// <summary>Creates the bouncer.</summary>
    /// <param name="context">The server's services (clock, metrics, local delivery of notices).</param>
    /// <param name="options">The queue lifetime and when a delay is reported.</param>
    /// <param name="store">Where the original message is read from for the notice.</param>
    /// <param name="queue">Carries notices to remote senders.</param>
    /// <param name="reportingMta">The name the notices give as reporting MTA.</param>
    /// <param name="logger">The outbound log.</param>
    public Bouncer(MailServerContext context, OutboundOptions options, IQueueStore store, IOutboundQueue queue, string reportingMta, ILogger logger)
    {
        _context = context;
        _options = options;
        _store = store;
        _queue = queue;
        _reportingMta = reportingMta;
        _logger = logger;
    }

    /// <summary>Fails the pending recipients of a message that stayed queued longer than the queue lifetime.</summary>
    /// <param name="message">The entry.</param>
    /// <param name="now">The time.</param>
    public void ExpireIfTooOld(QueuedMessage message, DateTimeOffset now)
    {
        if (now - message.ArrivedAt < _options.QueueLifetime)
        {
            return;
        }

        // RFC 3464 / RFC 3463 4.4.7: the message stayed queued too long; it fails with the last reason.
        foreach (var r in message.Recipients.Where(r => r.State == RecipientState.Pending))
        {
            r.State = RecipientState.Failed;
            r.Status = "4.4.7";
            r.Diagnostic = (r.Diagnostic ?? "x-mailkitserver; ") + " (delivery time expired)";
        }
    }

    /// <summary>
    /// Reports the outcomes that became final since the last report: failures (unless NOTIFY=NEVER or without
    /// FAILURE) and successes that asked for NOTIFY=SUCCESS where the next hop did not take the request on.
    /// </summary>
    /// <param name="message">The entry; its recipients are marked reported.</param>
    /// <param name="token">Cancels the operation.</param>
    /// <returns>How many recipients failed in this report.</returns>
    public async Task<int> ReportFinalAsync(QueuedMessage message, CancellationToken token)
    {
        var failed = message.Recipients.Where(r => r.State == RecipientState.Failed && !r.Reported).ToList();
        var delivered = message.Recipients.Where(r => r.State == RecipientState.Delivered && !r.Reported).ToList();
        await NotifyAsync(message, failed.Where(r => (r.Notify & DsnNotify.Never) == 0 && (r.Notify == DsnNotify.None || (r.Notify & DsnNotify.Failure) != 0)).ToList(), DsnAction.Failed, null, token).ConfigureAwait(false);
        await NotifyAsync(message, delivered.Where(r => (r.Notify & DsnNotify.Success) != 0 && !r.NextHopDsn).ToList(), DsnAction.Relayed, null, token).ConfigureAwait(false);
        foreach (var r in failed.Concat(delivered))
        {
            r.Reported = true;
        }

        return failed.Count;
    }

    /// <summary>Sends the one "delayed" notice once the message has waited long enough, to the recipients that asked.</summary>
    /// <param name="message">The entry.</param>
    /// <param name="now">The time.</param>
    /// <param name="token">Cancels the operation.</param>
    /// <returns>A task that completes when the notice is sent or not due.</returns>
    public async Task ReportDelayAsync(QueuedMessage message, DateTimeOffset now, CancellationToken token)
    {
        if (message.DelayReported || now - message.ArrivedAt < _options.DelayNoticeAfter)
        {
            return;
        }

        // RFC 3461 §4.1: a "delayed" notice only for recipients that asked for one.
        var delayed = message.Recipients.Where(r => r.State == RecipientState.Pending && (r.Notify & DsnNotify.Delay) != 0).ToList();
        await NotifyAsync(message, delayed, DsnAction.Delayed, message.ArrivedAt + _options.QueueLifetime, token).ConfigureAwait(false);
        message.DelayReported = true;
    }

    /// <summary>Sends a notice to the sender: into a local mailbox directly, or through the queue for a remote sender.</summary>
    private async Task NotifyAsync(QueuedMessage message, List<QueuedRecipient> recipients, DsnAction action, DateTimeOffset? retryUntil, CancellationToken token)
    {
        if (recipients.Count == 0)
        {
            return;
        }

        if (message.ReversePath.Length == 0)
        {
            // RFC 3461 §6.2, RFC 5321 §4.5.5: nothing is ever sent about a message from the null sender (no loops).
            OutboundLog.NoticeToNullSender(_logger, message.Id);
            return;
        }

        byte[] original;
        await using (var content = await _store.OpenContentAsync(message.Id, token).ConfigureAwait(false))
        {
            using var copy = new MemoryStream();
            if (content is not null)
            {
                await content.CopyToAsync(copy, token).ConfigureAwait(false);
            }

            original = copy.ToArray();
        }

        var notice = DsnComposer.Compose(message, recipients, action, _reportingMta, original, _context.TimeProvider.GetUtcNow(), retryUntil);
        _context.Metrics.Bounces.Add(1);
        OutboundLog.Notified(_logger, message.Id, action.ToString().ToLowerInvariant(), recipients.Count);
        await SenderNotifier.SendAsync(_context, _queue, _logger, message.Id, message.ReversePath, notice, token).ConfigureAwait(false);
    }
}
