using MailKitServer.Storage;

namespace MailKitServer.Hostile.Tests.Support;

/// <summary>
/// A store whose disk fails for one user: every operation on that user's account throws the IOException a real disk
/// error gives (EIO), the others are served by an in-memory store. Root ignores file permissions, so a failing disk
/// cannot be made with chmod in these tests.
/// </summary>
internal sealed class FailingDiskStore(IMessageStore inner, string brokenUser) : IMessageStore
{
    public ValueTask<DeliveryResult> DeliverAsync(DeliveryRequest request, Stream content, CancellationToken cancellationToken) =>
        request.Targets.Any(t => t.UserId == brokenUser) ? throw Failure() : inner.DeliverAsync(request, content, cancellationToken);

    public ValueTask<IMailAccount> OpenAccountAsync(string userId, CancellationToken cancellationToken) =>
        userId == brokenUser ? throw Failure() : inner.OpenAccountAsync(userId, cancellationToken);

    private static IOException Failure() => new("Input/output error");
}
