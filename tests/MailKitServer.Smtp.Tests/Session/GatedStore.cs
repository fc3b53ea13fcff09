using MailKitServer.Storage;
using MailKitServer.Storage.InMemory;

namespace MailKitServer.Smtp.Tests.Session;

/// <summary>A store whose deliveries wait for the test, or fail.</summary>
internal sealed class GatedStore : IMessageStore
{
    private readonly InMemoryMessageStore _inner = new();

    public TaskCompletionSource<bool> Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completed when a delivery has reached the store (and waits for <see cref="Release"/>).</summary>
    public TaskCompletionSource<bool> Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool Fail { get; set; }

    public async ValueTask<DeliveryResult> DeliverAsync(DeliveryRequest request, Stream content, CancellationToken cancellationToken)
    {
        if (Fail)
        {
            throw new IOException("disk on fire");
        }

        Entered.TrySetResult(true);
        await Release.Task;
        return await _inner.DeliverAsync(request, content, cancellationToken);
    }

    public ValueTask<IMailAccount> OpenAccountAsync(string userId, CancellationToken cancellationToken) => _inner.OpenAccountAsync(userId, cancellationToken);
}
