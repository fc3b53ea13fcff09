using MailKitServer.Storage;

namespace MailKitServer.Imap.Tests.Support;

/// <summary>A store that counts how often message content is opened, to prove what the server reads.</summary>
internal sealed class CountingMessageStore(IMessageStore inner) : IMessageStore
{
    private int _contentReads;

    /// <summary>How many times any session opened any message's content.</summary>
    public int ContentReads => Volatile.Read(ref _contentReads);

    public ValueTask<DeliveryResult> DeliverAsync(DeliveryRequest request, Stream content, CancellationToken cancellationToken) =>
        inner.DeliverAsync(request, content, cancellationToken);

    public async ValueTask<IMailAccount> OpenAccountAsync(string userId, CancellationToken cancellationToken) =>
        new CountingAccount(await inner.OpenAccountAsync(userId, cancellationToken), this);

    internal void CountRead() => Interlocked.Increment(ref _contentReads);
}
