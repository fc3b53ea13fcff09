using System.Threading.Channels;
using MailKitServer.Storage;

namespace MailKitServer.Sieve.Tests.Delivery;

/// <summary>A store that reports each delivery on a channel, so a test awaits the delivery instead of polling.</summary>
internal sealed class SignallingStore(IMessageStore inner) : IMessageStore
{
    private readonly Channel<DeliveryRequest> _deliveries = Channel.CreateUnbounded<DeliveryRequest>();

    public async ValueTask<DeliveryResult> DeliverAsync(DeliveryRequest request, Stream content, CancellationToken cancellationToken)
    {
        var result = await inner.DeliverAsync(request, content, cancellationToken);
        _deliveries.Writer.TryWrite(request);
        return result;
    }

    public ValueTask<IMailAccount> OpenAccountAsync(string userId, CancellationToken cancellationToken) => inner.OpenAccountAsync(userId, cancellationToken);

    /// <summary>The next delivery, within 30 s.</summary>
    public async Task<DeliveryRequest> NextAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        return await _deliveries.Reader.ReadAsync(cts.Token);
    }
}
