using MailKitServer.Storage;

namespace MailKitServer.Testing.Capture;

/// <summary>Keeps a parsed copy of every delivered message, then delivers it to the real store.</summary>
internal sealed class CapturingMessageStore(IMessageStore inner, TimeProvider time, Action<ReceivedMessage> received, Action? afterStoring = null) : IMessageStore
{
    private long _sequence;

    public async ValueTask<DeliveryResult> DeliverAsync(DeliveryRequest request, Stream content, CancellationToken cancellationToken)
    {
        using var copy = new MemoryStream();
        await content.CopyToAsync(copy, cancellationToken).ConfigureAwait(false);
        var raw = copy.ToArray();
        copy.Position = 0;
        var result = await inner.DeliverAsync(request, copy, cancellationToken).ConfigureAwait(false);
        var delivered = result.Outcomes.Where(o => o.Status == StoreStatus.Success).Select(o => o.Target.UserId).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (delivered.Count > 0)
        {
            received(new ReceivedMessage(Interlocked.Increment(ref _sequence), request.ReversePath, delivered, raw, time.GetUtcNow()));
            afterStoring?.Invoke();
        }

        return result;
    }

    public ValueTask<IMailAccount> OpenAccountAsync(string userId, CancellationToken cancellationToken) => inner.OpenAccountAsync(userId, cancellationToken);
}
