using System.Threading.Channels;
using MailKitServer.Storage;

namespace CustomStore;

/// <summary>An open INBOX (IMAP SELECT, POP3 session): messages, content, flags, expunge; no other mailbox to copy to.</summary>
internal sealed class InboxView(InboxFolder folder, bool readOnly) : IMailboxView
{
    private static long _views;
    private readonly Channel<MailboxChange> _changes = folder.Watch();

    public string Name => "INBOX";

    public bool IsReadOnly { get; } = readOnly;

    public long ViewId { get; } = Interlocked.Increment(ref _views);

    public MailboxStatus Status => folder.Status();

    public IReadOnlyList<MessageInfo> Messages => folder.Snapshot();

    public ChannelReader<MailboxChange> Changes => _changes.Reader;

    public ValueTask<Stream?> OpenContentAsync(uint uid, long offset, long? length, CancellationToken cancellationToken)
    {
        var content = folder.Content(uid);
        if (content is null)
        {
            return ValueTask.FromResult<Stream?>(null);
        }

        var start = (int)Math.Min(offset, content.Length);
        var count = (int)Math.Min(length ?? content.Length, content.Length - start);
        return ValueTask.FromResult<Stream?>(new MemoryStream(content, start, count, writable: false));
    }

    public async ValueTask<AppendResult> AppendAsync(Stream content, SystemFlags flags, IReadOnlyCollection<string> keywords, DateTimeOffset? internalDate, CancellationToken cancellationToken)
    {
        using var copy = new MemoryStream();
        await content.CopyToAsync(copy, cancellationToken);
        return new AppendResult(StoreStatus.Success, InboxFolder.UidValidity, folder.Add(copy.ToArray(), flags, internalDate ?? DateTimeOffset.UtcNow));
    }

    public ValueTask<StoreFlagsResult> StoreFlagsAsync(UidSet uids, FlagChange change, ulong? unchangedSince, CancellationToken cancellationToken)
    {
        var changed = new List<MessageInfo>();
        foreach (var info in folder.Snapshot().Where(m => uids.Contains(m.Uid)))
        {
            var updated = folder.SetFlags(info.Uid, flags => change.Mode switch
            {
                FlagChangeMode.Add => flags | change.Flags,
                FlagChangeMode.Remove => flags & ~change.Flags,
                _ => change.Flags,
            });
            if (updated is not null)
            {
                changed.Add(updated);
            }
        }

        return ValueTask.FromResult(new StoreFlagsResult(StoreStatus.Success, changed, []));
    }

    public ValueTask<CopyResult> CopyAsync(UidSet uids, string target, bool move, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new CopyResult(StoreStatus.NotFound, 0, [], [], "Only INBOX exists here"));

    public ValueTask<ExpungeResult> ExpungeAsync(UidSet? uids, CancellationToken cancellationToken) =>
        RemoveWhere(m => m.Flags.HasFlag(SystemFlags.Deleted) && (uids is null || uids.Contains(m.Uid)));

    public ValueTask<ExpungeResult> RemoveAsync(UidSet uids, CancellationToken cancellationToken) => RemoveWhere(m => uids.Contains(m.Uid));

    public ValueTask DisposeAsync()
    {
        folder.Unwatch(_changes);
        return ValueTask.CompletedTask;
    }

    private ValueTask<ExpungeResult> RemoveWhere(Func<MessageInfo, bool> which) =>
        ValueTask.FromResult(new ExpungeResult(StoreStatus.Success, folder.Remove(which), folder.Status().HighestModSeq));
}
