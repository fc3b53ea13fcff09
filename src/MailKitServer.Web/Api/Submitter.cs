using MailKitServer.Addresses;
using MailKitServer.Delivery;
using MailKitServer.Storage;
using MailKitServer.Users;

namespace MailKitServer.Web.Api;

/// <summary>
/// Hands a message the API made or released to its recipients as a submission would: local recipients (after the
/// directory resolves aliases) into the store, the others into the outbound queue.
/// </summary>
internal sealed class Submitter(MailCatalog catalog)
{
    /// <returns>The recipients delivered locally, queued, and refused with why.</returns>
    public async Task<SubmitResult> SubmitAsync(string from, IReadOnlyList<string> recipients, Stream content, CancellationToken cancellationToken)
    {
        var context = catalog.Server.Context;
        var local = new List<MailboxTarget>();
        var remote = new List<OutboundRecipient>();
        var refused = new List<string>();
        foreach (var recipient in recipients)
        {
            if (!MailAddress.TryParse(recipient, allowUtf8: true, out var address))
            {
                refused.Add($"{recipient}: not an address");
                continue;
            }

            var resolution = await context.Directory.ResolveAsync(address, cancellationToken).ConfigureAwait(false);
            switch (resolution.Status)
            {
                case RecipientStatus.Resolved:
                    local.AddRange(resolution.Mailboxes);
                    remote.AddRange(resolution.RemoteAddresses.Select(a => new OutboundRecipient(a.Address, DsnNotify.None, null)));
                    break;
                case RecipientStatus.NotLocal:
                    remote.Add(new OutboundRecipient(address.Address, DsnNotify.None, null));
                    break;
                default:
                    refused.Add($"{recipient}: {resolution.Status}");
                    break;
            }
        }

        if (remote.Count > 0 && context.OutboundQueue is null)
        {
            refused.AddRange(remote.Select(r => $"{r.Address}: this server has no outbound queue"));
            remote.Clear();
        }

        var buffer = new MemoryStream();
        await content.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        var delivered = new List<string>();
        if (local.Count > 0)
        {
            buffer.Position = 0;
            var targets = local.DistinctBy(t => (t.UserId.ToUpperInvariant(), t.Mailbox)).ToList();
            var result = await context.Store.DeliverAsync(new DeliveryRequest(from, targets, context.TimeProvider.GetUtcNow()), buffer, cancellationToken).ConfigureAwait(false);
            foreach (var outcome in result.Outcomes)
            {
                if (outcome.Status == StoreStatus.Success)
                {
                    delivered.Add(outcome.Target.UserId);
                }
                else
                {
                    refused.Add($"{outcome.Target.UserId}: {outcome.Status}");
                }
            }
        }

        string? queueId = null;
        if (remote.Count > 0)
        {
            buffer.Position = 0;
            queueId = await context.OutboundQueue!.EnqueueAsync(new OutboundEnvelope(from, remote, BodyType.EightBitMime, false, false, null, null), buffer, cancellationToken).ConfigureAwait(false);
        }

        return new SubmitResult(delivered, remote.Select(r => r.Address).ToList(), queueId, refused);
    }
}
