using MailKitServer.Delivery;
using MailKitServer.Runtime;
using MailKitServer.Smtp.Diagnostics;
using MailKitServer.Storage;
using Microsoft.Extensions.Logging;

namespace MailKitServer.Smtp.Filtering;

/// <summary>
/// Final delivery of a message's local copies: without a <see cref="IDeliveryFilter"/> one store call for every
/// resolved mailbox; with one, each mailbox owner's decision carried out (the mailboxes and flags of the copies, a
/// discard, a refusal). A filter that fails keeps the message in the resolved mailbox: mail is never lost to a rule.
/// </summary>
internal static class LocalDelivery
{
    /// <summary>Stores the copies.</summary>
    /// <param name="context">The server's seams.</param>
    /// <param name="logger">The engine's logger.</param>
    /// <param name="messageId">The message's id (for the log).</param>
    /// <param name="reversePath">The envelope sender.</param>
    /// <param name="targets">The resolved mailboxes with the recipient that led to each, distinct.</param>
    /// <param name="openContent">Opens the message as stored (Return-Path and trace included).</param>
    /// <param name="size">The size of that content.</param>
    /// <param name="arrivedAt">The internal date.</param>
    /// <param name="cancellationToken">Cancels the delivery.</param>
    /// <param name="runFilter">Whether the delivery filter runs (not for quarantined mail, nor for what a filter itself sends on).</param>
    /// <returns>What became of each mailbox.</returns>
    public static async ValueTask<LocalDeliveryResult> DeliverAsync(MailServerContext context, ILogger logger, string messageId, string reversePath, IReadOnlyList<(MailboxTarget Target, string Recipient)> targets, Func<Stream> openContent, long size, DateTimeOffset arrivedAt, CancellationToken cancellationToken, bool runFilter = true)
    {
        var result = new LocalDeliveryResult();
        if (targets.Count == 0)
        {
            return result;
        }

        var filter = runFilter ? context.DeliveryFilter : null;
        if (filter is null)
        {
            await StoreAsync(context, logger, messageId, reversePath, targets.Select(t => (t.Target, t.Target)).ToList(), openContent, arrivedAt, result, cancellationToken).ConfigureAwait(false);
            return result;
        }

        // Each owner's decision first; then one store call for the plain copies, an append for each flagged one.
        var (decided, plain, special) = await DecideAsync(context, logger, filter, messageId, reversePath, targets, openContent, size, arrivedAt, result, cancellationToken).ConfigureAwait(false);
        var failed = await StoreCopiesAsync(context, logger, messageId, reversePath, plain, special, openContent, arrivedAt, result, cancellationToken).ConfigureAwait(false);
        foreach (var (target, decision) in decided)
        {
            if (!failed.Contains(target))
            {
                result.Delivered.Add(target);
                result.Messages.AddRange(decision.Messages.Select(m => (target, m)));
            }
        }

        return result;
    }

    /// <summary>Asks the filter about each mailbox (a filter that fails keeps the copy there); refusals go into <paramref name="result"/>.</summary>
    private static async ValueTask<(List<(MailboxTarget Target, FilterDecision Decision)> Decided, List<(MailboxTarget Owner, MailboxTarget Copy)> Plain, List<(MailboxTarget Owner, FiledCopy Copy)> Special)> DecideAsync(
        MailServerContext context, ILogger logger, IDeliveryFilter filter, string messageId, string reversePath, IReadOnlyList<(MailboxTarget Target, string Recipient)> targets, Func<Stream> openContent, long size, DateTimeOffset arrivedAt, LocalDeliveryResult result, CancellationToken cancellationToken)
    {
        var plain = new List<(MailboxTarget Owner, MailboxTarget Copy)>();
        var special = new List<(MailboxTarget Owner, FiledCopy Copy)>();
        var decided = new List<(MailboxTarget Target, FilterDecision Decision)>();
        foreach (var (target, recipient) in targets)
        {
            FilterDecision decision;
            try
            {
                decision = await filter.DecideAsync(new FilterInput(target, recipient, reversePath, openContent, size, arrivedAt), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                FilterLog.FilterFailed(logger, ex, messageId, target.UserId);
                decision = FilterDecision.Keep(target.Mailbox);
            }

            decided.Add((target, decision));
            if (decision.RejectReason is { } reason)
            {
                FilterLog.Rejected(logger, messageId, target.UserId, reason);
                result.Rejected[target] = reason;
                continue;
            }

            foreach (var copy in decision.Copies)
            {
                var mailbox = copy.Mailbox;
                if (copy.Create)
                {
                    mailbox = await EnsureMailboxAsync(context, logger, messageId, target.UserId, mailbox, cancellationToken).ConfigureAwait(false);
                }

                if (copy.Flags == SystemFlags.None && copy.Keywords.Count == 0 && copy.Content is null)
                {
                    plain.Add((target, target with { Mailbox = mailbox }));
                }
                else
                {
                    special.Add((target, copy with { Mailbox = mailbox }));
                }
            }
        }

        return (decided, plain, special);
    }

    /// <summary>Stores the decided copies; returns the owners of which a copy was not stored (full ones also go into <paramref name="result"/>).</summary>
    private static async ValueTask<HashSet<MailboxTarget>> StoreCopiesAsync(
        MailServerContext context, ILogger logger, string messageId, string reversePath, List<(MailboxTarget Owner, MailboxTarget Copy)> plain, List<(MailboxTarget Owner, FiledCopy Copy)> special, Func<Stream> openContent, DateTimeOffset arrivedAt, LocalDeliveryResult result, CancellationToken cancellationToken)
    {
        var failed = new HashSet<MailboxTarget>();
        var stored = new LocalDeliveryResult();
        // One plain copy (the usual case) needs no hash set to be distinct.
        var copies = plain.Count <= 1 ? plain : plain.DistinctBy(p => p.Copy).ToList();
        await StoreAsync(context, logger, messageId, reversePath, copies, openContent, arrivedAt, stored, cancellationToken).ConfigureAwait(false);
        foreach (var (owner, copy) in plain)
        {
            if (!stored.Delivered.Contains(copy))
            {
                failed.Add(owner);
                if (stored.Full.Contains(copy))
                {
                    result.Full.Add(owner);
                }
            }
        }

        foreach (var (owner, copy) in special)
        {
            var status = await AppendAsync(context, owner.UserId, copy, openContent, arrivedAt, cancellationToken).ConfigureAwait(false);
            if (status != StoreStatus.Success)
            {
                SmtpLog.TargetFailed(logger, 0, messageId, owner.UserId, status, copy.Mailbox);
                failed.Add(owner);
                if (status == StoreStatus.OverQuota)
                {
                    result.Full.Add(owner);
                }
            }
        }

        return failed;
    }

    private static async Task StoreAsync(MailServerContext context, ILogger logger, string messageId, string reversePath, IReadOnlyList<(MailboxTarget Owner, MailboxTarget Copy)> copies, Func<Stream> openContent, DateTimeOffset arrivedAt, LocalDeliveryResult result, CancellationToken cancellationToken)
    {
        if (copies.Count == 0)
        {
            return;
        }

        var request = new DeliveryRequest(reversePath, copies.Select(c => c.Copy).ToList(), arrivedAt);
        await using var content = openContent();
        var stored = await context.Store.DeliverAsync(request, content, cancellationToken).ConfigureAwait(false);
        foreach (var outcome in stored.Outcomes)
        {
            if (outcome.Status == StoreStatus.Success)
            {
                result.Delivered.Add(outcome.Target);
                continue;
            }

            if (outcome.Status == StoreStatus.OverQuota)
            {
                result.Full.Add(outcome.Target);
            }

            SmtpLog.TargetFailed(logger, 0, messageId, outcome.Target.UserId, outcome.Status, outcome.Message);
        }
    }

    private static async Task<StoreStatus> AppendAsync(MailServerContext context, string userId, FiledCopy copy, Func<Stream> openContent, DateTimeOffset arrivedAt, CancellationToken cancellationToken)
    {
        var account = await context.Store.OpenAccountAsync(userId, cancellationToken).ConfigureAwait(false);
        await using (account.ConfigureAwait(false))
        {
            for (var attempt = 0; attempt < 2; attempt++)
            {
                // A copy for a missing mailbox lands in INBOX, as a plain delivery does (RFC 5228 §4.1 fileinto failing keeps).
                var mailbox = attempt == 0 ? copy.Mailbox : MailboxName.Inbox;
                await using var content = copy.Content is { } edited ? new MemoryStream(edited, writable: false) : openContent();
                var appended = await account.AppendAsync(mailbox, content, copy.Flags, copy.Keywords, arrivedAt, cancellationToken).ConfigureAwait(false);
                if (appended.Status != StoreStatus.NotFound || mailbox == MailboxName.Inbox)
                {
                    return appended.Status;
                }
            }

            return StoreStatus.NotFound;
        }
    }

    private static async Task<string> EnsureMailboxAsync(MailServerContext context, ILogger logger, string messageId, string userId, string mailbox, CancellationToken cancellationToken)
    {
        var account = await context.Store.OpenAccountAsync(userId, cancellationToken).ConfigureAwait(false);
        await using (account.ConfigureAwait(false))
        {
            if (await account.GetStatusAsync(mailbox, cancellationToken).ConfigureAwait(false) is not null)
            {
                return mailbox;
            }

            // RFC 5490 §3.2: fileinto :create makes the mailbox (and subscribes it, as a client creating one would).
            var created = await account.CreateAsync(mailbox, MailboxRole.None, cancellationToken).ConfigureAwait(false);
            if (created.Status is StoreStatus.Success or StoreStatus.AlreadyExists)
            {
                await account.SetSubscribedAsync(mailbox, true, cancellationToken).ConfigureAwait(false);
                return mailbox;
            }

            FilterLog.CreateFailed(logger, messageId, userId, mailbox, created.Status);
            return MailboxName.Inbox;
        }
    }
}
