using System.Threading.Channels;

namespace MailKitServer.Storage.InMemory;

/// <summary>A selected mailbox of the <see cref="InMemoryMessageStore"/>.</summary>
internal sealed class InMemoryMailboxView : IModSeqMailboxView
{
    private readonly InMemoryAccount _account;
    private readonly InMemoryMailbox _mailbox;
    private readonly MailboxChangeFeed _changes = new();
    private int _disposed;

    public InMemoryMailboxView(InMemoryAccount account, InMemoryMailbox mailbox, bool readOnly, long viewId)
    {
        // Called under the account lock, so the snapshot and the subscription to changes are atomic.
        _account = account;
        _mailbox = mailbox;
        IsReadOnly = readOnly;
        ViewId = viewId;
        Status = mailbox.GetStatus();
        Messages = mailbox.Messages.Select(m => m.ToInfo()).ToArray();
        mailbox.Attach(viewId, _changes.Writer);
    }

    public string Name => _mailbox.Name;

    public bool IsReadOnly { get; }

    public long ViewId { get; }

    public MailboxStatus Status { get; }

    public IReadOnlyList<MessageInfo> Messages { get; }

    public ChannelReader<MailboxChange> Changes => _changes.Reader;

    private object Sync => _account.State.Sync;

    public ValueTask<Stream?> OpenContentAsync(uint uid, long offset, long? length, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        MessageContent content;
        lock (Sync)
        {
            var m = _mailbox.Find(uid);
            if (m is null)
            {
                return ValueTask.FromResult<Stream?>(null);
            }

            content = m.Content;
        }

        var start = Math.Min(offset, content.Length);
        var count = Math.Min(length ?? long.MaxValue, content.Length - start);
        return ValueTask.FromResult<Stream?>(content.OpenRead(start, count));
    }

    public async ValueTask<AppendResult> AppendAsync(Stream content, SystemFlags flags, IReadOnlyCollection<string> keywords, DateTimeOffset? internalDate, CancellationToken cancellationToken)
    {
        var bytes = await _account.Store.ReadAllAsync(content, cancellationToken).ConfigureAwait(false);
        if (bytes is null)
        {
            return new AppendResult(StoreStatus.OverQuota, Message: "message too large");
        }

        await _account.Store.RefreshQuotaAsync(_account.UserId, _account.State, cancellationToken).ConfigureAwait(false);
        return _account.Append(_mailbox.Name, bytes, flags, keywords, internalDate, ViewId);
    }

    public ValueTask<StoreFlagsResult> StoreFlagsAsync(UidSet uids, FlagChange change, ulong? unchangedSince, CancellationToken cancellationToken)
    {
        if (IsReadOnly)
        {
            return ValueTask.FromResult(new StoreFlagsResult(StoreStatus.NotAllowed, [], []));
        }

        var changed = new List<MessageInfo>();
        var modified = new List<uint>();
        lock (Sync)
        {
            foreach (var m in _mailbox.Messages)
            {
                if (!uids.Contains(m.Uid))
                {
                    continue;
                }

                if (unchangedSince is { } since && m.ModSeq > since)
                {
                    modified.Add(m.Uid);
                    continue;
                }

                var (flags, keywords) = change.Apply(m.Flags, m.Keywords);
                if (flags != m.Flags || !keywords.SequenceEqual(m.Keywords, StringComparer.OrdinalIgnoreCase))
                {
                    m.Flags = flags;
                    m.Keywords = keywords;
                    _mailbox.Touch(m, ViewId);
                }

                changed.Add(m.ToInfo());
            }
        }

        return ValueTask.FromResult(new StoreFlagsResult(StoreStatus.Success, changed, modified));
    }

    public async ValueTask<CopyResult> CopyAsync(UidSet uids, string target, bool move, CancellationToken cancellationToken)
    {
        if (!MailboxName.TryNormalize(target, out var normalized))
        {
            return new CopyResult(StoreStatus.InvalidName, 0, [], [], "invalid mailbox name");
        }

        if (move && IsReadOnly)
        {
            return new CopyResult(StoreStatus.NotAllowed, 0, [], [], "mailbox is read-only");
        }

        if (!move)
        {
            await _account.Store.RefreshQuotaAsync(_account.UserId, _account.State, cancellationToken).ConfigureAwait(false);
        }

        return Copy(uids, normalized, move);
    }

    private CopyResult Copy(UidSet uids, string normalized, bool move)
    {
        lock (Sync)
        {
            if (!_account.State.Mailboxes.TryGetValue(normalized, out var destination))
            {
                return new CopyResult(StoreStatus.NotFound, 0, [], [], "no such mailbox");
            }

            var copied = _mailbox.Messages.Where(m => uids.Contains(m.Uid)).ToList();
            if (!move && !_account.State.Allows(copied.Sum(m => m.Content.Length), copied.Count))
            {
                // RFC 9208 §4.3: a COPY past the limit fails whole (a MOVE within the account changes no usage).
                return new CopyResult(StoreStatus.OverQuota, 0, [], [], "quota exceeded");
            }

            var source = new List<uint>();
            var copies = new List<uint>();
            foreach (var m in _mailbox.Messages.Where(m => uids.Contains(m.Uid)).ToList())
            {
                var copy = destination.Add(m.Content, m.Flags, m.Keywords, m.InternalDate, ViewId, _account.Store.Now, m.EmailId);
                source.Add(m.Uid);
                copies.Add(copy.Uid);
            }

            if (move)
            {
                var set = UidSet.FromUids(source);
                _mailbox.Remove(m => set.Contains(m.Uid), ViewId);
            }

            return new CopyResult(StoreStatus.Success, destination.UidValidity, source, copies);
        }
    }

    public ValueTask<ExpungeResult> ExpungeAsync(UidSet? uids, CancellationToken cancellationToken)
    {
        if (IsReadOnly)
        {
            return ValueTask.FromResult(new ExpungeResult(StoreStatus.NotAllowed, [], 0));
        }

        lock (Sync)
        {
            var removed = _mailbox.Remove(m => (m.Flags & SystemFlags.Deleted) != 0 && (uids is null || uids.Contains(m.Uid)), ViewId);
            return ValueTask.FromResult(new ExpungeResult(StoreStatus.Success, removed, _mailbox.HighestModSeq));
        }
    }

    public ValueTask<ExpungeResult> RemoveAsync(UidSet uids, CancellationToken cancellationToken)
    {
        if (IsReadOnly)
        {
            return ValueTask.FromResult(new ExpungeResult(StoreStatus.NotAllowed, [], 0));
        }

        lock (Sync)
        {
            var removed = _mailbox.Remove(m => uids.Contains(m.Uid), ViewId);
            return ValueTask.FromResult(new ExpungeResult(StoreStatus.Success, removed, _mailbox.HighestModSeq));
        }
    }

    public ValueTask<UidSet?> ExpungedSinceAsync(ulong modSeq, CancellationToken cancellationToken)
    {
        lock (Sync)
        {
            return ValueTask.FromResult(_mailbox.ExpungedSince(modSeq));
        }
    }

    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            lock (Sync)
            {
                _mailbox.Detach(ViewId);
            }
        }

        return ValueTask.CompletedTask;
    }
}
