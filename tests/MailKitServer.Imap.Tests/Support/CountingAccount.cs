using MailKitServer.Storage;

namespace MailKitServer.Imap.Tests.Support;

/// <summary>An account whose mailbox views count content reads.</summary>
internal sealed class CountingAccount(IMailAccount inner, CountingMessageStore store) : IMailAccount
{
    public string UserId => inner.UserId;

    public char HierarchySeparator => inner.HierarchySeparator;

    public ValueTask<IReadOnlyList<MailboxInfo>> ListAsync(CancellationToken cancellationToken) => inner.ListAsync(cancellationToken);

    public ValueTask<MailboxResult> CreateAsync(string name, MailboxRole role, CancellationToken cancellationToken) => inner.CreateAsync(name, role, cancellationToken);

    public ValueTask<MailboxResult> RenameAsync(string from, string to, CancellationToken cancellationToken) => inner.RenameAsync(from, to, cancellationToken);

    public ValueTask<MailboxResult> DeleteAsync(string name, CancellationToken cancellationToken) => inner.DeleteAsync(name, cancellationToken);

    public ValueTask<MailboxResult> SetSubscribedAsync(string name, bool subscribed, CancellationToken cancellationToken) => inner.SetSubscribedAsync(name, subscribed, cancellationToken);

    public ValueTask<MailboxStatus?> GetStatusAsync(string name, CancellationToken cancellationToken) => inner.GetStatusAsync(name, cancellationToken);

    public async ValueTask<IMailboxView?> OpenAsync(string name, bool readOnly, CancellationToken cancellationToken) =>
        await inner.OpenAsync(name, readOnly, cancellationToken) is { } view ? new CountingMailboxView(view, store) : null;

    public ValueTask<AppendResult> AppendAsync(string name, Stream content, SystemFlags flags, IReadOnlyCollection<string> keywords, DateTimeOffset? internalDate, CancellationToken cancellationToken) =>
        inner.AppendAsync(name, content, flags, keywords, internalDate, cancellationToken);

    public ValueTask<IAsyncDisposable?> TryLockMaildropAsync(CancellationToken cancellationToken) => inner.TryLockMaildropAsync(cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
