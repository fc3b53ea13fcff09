using MailKitServer.Storage;

namespace CustomStore;

/// <summary>A message store with one mailbox (INBOX) per user, kept in memory: the whole IMessageStore seam.</summary>
public sealed class InboxOnlyStore : IMessageStore
{
    private readonly Dictionary<string, InboxOnlyAccount> _accounts = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Delivery: one copy per target user; the answer says which copies are stored.</summary>
    public async ValueTask<DeliveryResult> DeliverAsync(DeliveryRequest request, Stream content, CancellationToken cancellationToken)
    {
        using var copy = new MemoryStream();
        await content.CopyToAsync(copy, cancellationToken);
        var outcomes = new List<DeliveryOutcome>();
        foreach (var target in request.Targets)
        {
            var uid = Account(target.UserId).Inbox.Add(copy.ToArray(), SystemFlags.None, request.InternalDate);
            outcomes.Add(new DeliveryOutcome(target, StoreStatus.Success, uid));
        }

        return new DeliveryResult(outcomes);
    }

    /// <summary>An account: the user's INBOX.</summary>
    public ValueTask<IMailAccount> OpenAccountAsync(string userId, CancellationToken cancellationToken) => ValueTask.FromResult<IMailAccount>(Account(userId));

    private InboxOnlyAccount Account(string userId)
    {
        lock (_accounts)
        {
            return _accounts.TryGetValue(userId, out var a) ? a : _accounts[userId] = new InboxOnlyAccount(userId);
        }
    }
}
