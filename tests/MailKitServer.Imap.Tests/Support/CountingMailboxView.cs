using System.Threading.Channels;
using MailKitServer.Storage;

namespace MailKitServer.Imap.Tests.Support;

/// <summary>A mailbox view that counts <see cref="OpenContentAsync"/> calls.</summary>
internal sealed class CountingMailboxView(IMailboxView inner, CountingMessageStore store) : IMailboxView
{
    public string Name => inner.Name;

    public bool IsReadOnly => inner.IsReadOnly;

    public long ViewId => inner.ViewId;

    public MailboxStatus Status => inner.Status;

    public IReadOnlyList<MessageInfo> Messages => inner.Messages;

    public ChannelReader<MailboxChange> Changes => inner.Changes;

    public ValueTask<Stream?> OpenContentAsync(uint uid, long offset, long? length, CancellationToken cancellationToken)
    {
        store.CountRead();
        return inner.OpenContentAsync(uid, offset, length, cancellationToken);
    }

    public ValueTask<AppendResult> AppendAsync(Stream content, SystemFlags flags, IReadOnlyCollection<string> keywords, DateTimeOffset? internalDate, CancellationToken cancellationToken) =>
        inner.AppendAsync(content, flags, keywords, internalDate, cancellationToken);

    public ValueTask<StoreFlagsResult> StoreFlagsAsync(UidSet uids, FlagChange change, ulong? unchangedSince, CancellationToken cancellationToken) =>
        inner.StoreFlagsAsync(uids, change, unchangedSince, cancellationToken);

    public ValueTask<CopyResult> CopyAsync(UidSet uids, string target, bool move, CancellationToken cancellationToken) => inner.CopyAsync(uids, target, move, cancellationToken);

    public ValueTask<ExpungeResult> ExpungeAsync(UidSet? uids, CancellationToken cancellationToken) => inner.ExpungeAsync(uids, cancellationToken);

    public ValueTask<ExpungeResult> RemoveAsync(UidSet uids, CancellationToken cancellationToken) => inner.RemoveAsync(uids, cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
