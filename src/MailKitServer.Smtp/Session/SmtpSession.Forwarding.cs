using MailKitServer.Addresses;
using MailKitServer.Delivery;
using MailKitServer.Smtp.Data;
using MailKitServer.Smtp.SenderAuth;

namespace MailKitServer.Smtp.Session;

/// <summary>
/// Mail that leaves again: relayed recipients, alias and list targets outside our domains, and Sieve redirects; the
/// forwarded copies of checked mail carry an ARC set (RFC 8617) when the listener has a key to seal with.
/// </summary>
internal sealed partial class SmtpSession
{
    /// <summary>Queues the copy for the remote recipients: one entry for relayed ones, one (sealed) for forwarded ones.</summary>
    private async ValueTask QueueRemoteAsync(SmtpTransaction transaction, IReadOnlyList<ContentEdit> edits, InboundCheck? check)
    {
        if (_context.OutboundQueue is not { } queue || !transaction.Recipients.Any(r => r.Remote.Count > 0))
        {
            return;
        }

        var forwarded = transaction.Recipients.Where(r => r.Remote.Count > 0 && !r.Relayed).ToList();
        var seal = _sealer is not null && check is not null && forwarded.Count > 0
            ? await SealAsync(transaction, edits, forwarded[0].Address.Domain).ConfigureAwait(false)
            : null;
        var groups = seal is null
            ? [(transaction.Recipients.Where(r => r.Remote.Count > 0).ToList(), edits)]
            : new List<(List<SmtpRecipient> Recipients, IReadOnlyList<ContentEdit> Edits)>
            {
                (transaction.Recipients.Where(r => r.Relayed).ToList(), edits),
                (forwarded, [.. edits, ContentEdit.Insertion(transaction.ReturnPathLength, seal)]),
            };

        foreach (var (recipients, copyEdits) in groups.Where(g => g.Item1.Count > 0))
        {
            var outbound = recipients.SelectMany(r => r.Remote.Select(a => new OutboundRecipient(a.Address, r.Notify, r.OriginalRecipient))).ToList();
            var envelope = new OutboundEnvelope(transaction.ReversePath, outbound, transaction.Body, transaction.SmtpUtf8, transaction.RequireTls, transaction.Return, transaction.EnvelopeId);
            await using var content = OpenDelivered(transaction, copyEdits, transaction.ReturnPathLength);
            await queue.EnqueueAsync(envelope, content, _connection.Aborted).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// What a Sieve redirect sends: the copy as delivered, with an ARC set on top when the message was checked here and
    /// the redirect leaves our domains.
    /// </summary>
    private async ValueTask<Func<Stream>> RedirectContentAsync(SmtpTransaction transaction, IReadOnlyList<ContentEdit> edits, InboundCheck? check, string redirector, string to)
    {
        var copyEdits = edits;
        if (_sealer is not null && check is not null && MailAddress.TryParse(to, allowUtf8: true, out var target)
            && !await _context.Directory.IsLocalDomainAsync(target.Domain, _connection.Aborted).ConfigureAwait(false))
        {
            var domain = MailAddress.TryParse(redirector, allowUtf8: true, out var by) ? by.Domain : ServerName;
            if (await SealAsync(transaction, edits, domain).ConfigureAwait(false) is { } seal)
            {
                copyEdits = [.. edits, ContentEdit.Insertion(transaction.ReturnPathLength, seal)];
            }
        }

        return () => OpenDelivered(transaction, copyEdits, transaction.ReturnPathLength);
    }

    private async ValueTask<byte[]?> SealAsync(SmtpTransaction transaction, IReadOnlyList<ContentEdit> edits, string forwarderDomain)
    {
        await using var content = OpenDelivered(transaction, edits, transaction.ReturnPathLength);
        var seal = await _sealer!.SealAsync(content, forwarderDomain, _connection.Aborted).ConfigureAwait(false);
        if (seal is not null)
        {
            _context.Metrics.OutboundSignatures.Add(1, new KeyValuePair<string, object?>("method", "arc"), new KeyValuePair<string, object?>("algorithm", "rsa-sha256"));
        }

        return seal;
    }
}
