using MailKitServer.Storage;

namespace CustomStore;

/// <summary>A user's account: only INBOX exists; other mailboxes cannot be made.</summary>
public sealed class InboxOnlyAccount(string userId) : IMailAccount
{
    private static readonly MailboxResult NotAllowed = new(StoreStatus.NotAllowed, "Only INBOX exists here");

    internal InboxFolder Inbox { get; } = new();

    public string UserId { get; } = userId;

    public ValueTask<IReadOnlyList<MailboxInfo>> ListAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<MailboxInfo>>([new MailboxInfo("INBOX", MailboxRole.Inbox, IsSubscribed: true, HasChildren: false)]);

    public ValueTask<MailboxResult> CreateAsync(string name, MailboxRole role, CancellationToken cancellationToken) => ValueTask.FromResult(NotAllowed);

    public ValueTask<MailboxResult> RenameAsync(string from, string to, CancellationToken cancellationToken) => ValueTask.FromResult(NotAllowed);

    public ValueTask<MailboxResult> DeleteAsync(string name, CancellationToken cancellationToken) => ValueTask.FromResult(NotAllowed);

    public ValueTask<MailboxResult> SetSubscribedAsync(string name, bool subscribed, CancellationToken cancellationToken) => ValueTask.FromResult(new MailboxResult(StoreStatus.Success));

    public ValueTask<MailboxStatus?> GetStatusAsync(string name, CancellationToken cancellationToken) =>
        ValueTask.FromResult(IsInbox(name) ? Inbox.Status() : null);

    public ValueTask<IMailboxView?> OpenAsync(string name, bool readOnly, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IMailboxView?>(IsInbox(name) ? new InboxView(Inbox, readOnly) : null);

    public async ValueTask<AppendResult> AppendAsync(string name, Stream content, SystemFlags flags, IReadOnlyCollection<string> keywords, DateTimeOffset? internalDate, CancellationToken cancellationToken)
    {
        if (!IsInbox(name))
        {
            return new AppendResult(StoreStatus.NotFound);
        }

        using var copy = new MemoryStream();
        await content.CopyToAsync(copy, cancellationToken);
        return new AppendResult(StoreStatus.Success, InboxFolder.UidValidity, Inbox.Add(copy.ToArray(), flags, internalDate ?? DateTimeOffset.UtcNow));
    }

    /// <summary>POP3's maildrop lock: not needed for this sample (no lock, always granted).</summary>
    public ValueTask<IAsyncDisposable?> TryLockMaildropAsync(CancellationToken cancellationToken) => ValueTask.FromResult<IAsyncDisposable?>(this);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static bool IsInbox(string name) => name.Equals("INBOX", StringComparison.OrdinalIgnoreCase);
}
