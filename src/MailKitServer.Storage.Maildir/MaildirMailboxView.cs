using MailKitServer.Runtime;
using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace MailKitServer.Storage.Maildir;

/// <summary>A selected Maildir folder: the snapshot at open plus the change feed from every session of this process.</summary>
internal sealed class MaildirMailboxView : IModSeqMailboxView
{
    private readonly MaildirMessageStore _store;
    private readonly MaildirAccount _account;
    private readonly MaildirFolder _folder;
    private readonly MailboxChangeFeed _changes = new();
    private int _disposed;

    public MaildirMailboxView(MaildirMessageStore store, MaildirAccount account, MaildirFolder folder, bool readOnly, long viewId)
    {
        // Created under the folder lock: the snapshot and the subscription are atomic.
        _store = store;
        _account = account;
        _folder = folder;
        IsReadOnly = readOnly;
        ViewId = viewId;
        var messages = folder.Snapshot();
        Messages = messages;
        Status = folder.Status(messages);
        folder.Attach(viewId, _changes.Writer);
    }

    public string Name => _folder.Name;

    public bool IsReadOnly { get; }

    public long ViewId { get; }

    public MailboxStatus Status { get; }

    public IReadOnlyList<MessageInfo> Messages { get; }

    public ChannelReader<MailboxChange> Changes => _changes.Reader;

    public async ValueTask<Stream?> OpenContentAsync(uint uid, long offset, long? length, CancellationToken cancellationToken)
    {
        // The path the folder knows first; only when that file is gone (renamed or removed by another process) the
        // locked look at the disk.
        if (await _folder.KnownPathAsync(uid, cancellationToken).ConfigureAwait(false) is { } known && MaildirContentStream.TryOpen(known, offset, length) is { } file)
        {
            return file;
        }

        var path = await _folder.WithLockAsync(() => _folder.Find(uid) is { } e ? Path.Combine(_folder.Path, e.RelativePath) : null, save: false, cancellationToken).ConfigureAwait(false);
        return path is null ? null : MaildirContentStream.TryOpen(path, offset, length);
    }

    public ValueTask<AppendResult> AppendAsync(Stream content, SystemFlags flags, IReadOnlyCollection<string> keywords, DateTimeOffset? internalDate, CancellationToken cancellationToken) =>
        _account.AppendToAsync(_folder, content, flags, keywords, internalDate, ViewId, default, cancellationToken);

    public async ValueTask<StoreFlagsResult> StoreFlagsAsync(UidSet uids, FlagChange change, ulong? unchangedSince, CancellationToken cancellationToken)
    {
        if (IsReadOnly)
        {
            return new StoreFlagsResult(StoreStatus.NotAllowed, [], []);
        }

        return await _folder.WithLockAsync(() => StoreFlags(uids, change, unchangedSince), save: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// STORE's work under the folder's lock: once per message, so compiled optimized at its first call (as the per-file
    /// methods of a first sight: see MaildirFolder.Adoption.cs) and without LINQ; a first STORE over 20,000 messages ran
    /// this loop and every small call in it as unoptimized tier-0 code (issue 24: the "once" row).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private StoreFlagsResult StoreFlags(UidSet uids, FlagChange change, ulong? unchangedSince)
    {
        var messages = _folder.Messages;
        var targets = new List<MaildirEntry>();
        for (var i = 0; i < messages.Count; i++)
        {
            if (uids.Contains(messages[i].Uid))
            {
                targets.Add(messages[i]);
            }
        }

        var changed = new List<MessageInfo>(targets.Count);
        var modified = new List<uint>();
        _folder.ReserveModSeqs(targets.Count);
        _folder.Keywords.Refresh();
        using var directories = _folder.OpenDirectories();
        foreach (var m in targets)
        {
            if (unchangedSince is { } since && m.ModSeq > since)
            {
                modified.Add(m.Uid);
                continue;
            }

            var (flags, keywords) = change.Apply(m.Flags, m.Keywords);
            changed.Add(flags != m.Flags || !keywords.SequenceEqual(m.Keywords, StringComparer.OrdinalIgnoreCase)
                ? _folder.SetFlags(m, flags, keywords, ViewId, directories)
                : m.ToInfo());
        }

        return new StoreFlagsResult(StoreStatus.Success, changed, modified);
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

        if (_account.Folder(normalized) is not { } destination)
        {
            return new CopyResult(StoreStatus.NotFound, 0, [], [], "no such mailbox");
        }

        var sources = await _folder.WithLockAsync(() => _folder.Messages.Where(m => uids.Contains(m.Uid)).Select(m => (m.Uid, Path.Combine(_folder.Path, m.RelativePath), m.Flags, m.Keywords, m.InternalDate, m.Size, m.EmailId)).ToList(), save: false, cancellationToken).ConfigureAwait(false);
        if (!move)
        {
            await _account.Quota.RefreshAsync(_account.UserId, _store.Options, cancellationToken).ConfigureAwait(false);
        }

        if (!move && !_account.Quota.Allows(sources.Sum(s => s.Size), _store.Options, sources.Count))
        {
            // RFC 9208 §4.3: a COPY past the limit fails whole (a MOVE within the account changes no usage).
            return new CopyResult(StoreStatus.OverQuota, 0, [], [], "quota exceeded");
        }

        var targetUids = new List<uint>();
        await destination.WithLockAsync(() =>
        {
            foreach (var (_, path, flags, keywords, date, size, emailId) in sources)
            {
                var uid = destination.ReserveUid();
                var unique = MaildirFileName.WithZone(MaildirFileName.NewUnique(size), date.Offset);
                var relative = MaildirFileName.CurPath(unique, uid, flags, destination.Keywords.LettersFor(keywords));
                destination.Place(path, relative, link: true);
                destination.Add(relative, uid, flags, keywords, date, size, ViewId, emailId);
                targetUids.Add(uid);
            }

            NativeFileSystem.SyncDirectory(Path.Combine(destination.Path, "cur"));
            return 0;
        }, save: true, cancellationToken).ConfigureAwait(false);
        if (move)
        {
            var moved = UidSet.FromUids(sources.Select(s => s.Uid));
            await _folder.WithLockAsync(() => _folder.Remove(m => moved.Contains(m.Uid), ViewId), save: true, cancellationToken).ConfigureAwait(false);
        }

        return new CopyResult(StoreStatus.Success, destination.UidValidity, sources.Select(s => s.Uid).ToList(), targetUids);
    }

    public ValueTask<ExpungeResult> ExpungeAsync(UidSet? uids, CancellationToken cancellationToken) =>
        RemoveWhereAsync(m => (m.Flags & SystemFlags.Deleted) != 0 && (uids is null || uids.Contains(m.Uid)), cancellationToken);

    public ValueTask<ExpungeResult> RemoveAsync(UidSet uids, CancellationToken cancellationToken) => RemoveWhereAsync(m => uids.Contains(m.Uid), cancellationToken);

    public async ValueTask<UidSet?> ExpungedSinceAsync(ulong modSeq, CancellationToken cancellationToken) =>
        await _folder.WithLockAsync(() => _folder.ExpungedSince(modSeq), save: false, cancellationToken).ConfigureAwait(false);

    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _folder.Detach(ViewId);
        }

        return ValueTask.CompletedTask;
    }

    private async ValueTask<ExpungeResult> RemoveWhereAsync(Func<MaildirEntry, bool> predicate, CancellationToken cancellationToken)
    {
        if (IsReadOnly)
        {
            return new ExpungeResult(StoreStatus.NotAllowed, [], 0);
        }

        return await _folder.WithLockAsync(() =>
        {
            var removed = _folder.Remove(predicate, ViewId);

            // RFC 3501 §6.4.3, RFC 9051 §6.4.3: EXPUNGE "permanently removes"; the unlinks are durable before the OK,
            // or a crash could bring the messages back. One fsync for the batch (\Deleted is in the names of cur/ only).
            NativeFileSystem.SyncDirectory(Path.Combine(_folder.Path, "cur"));
            return new ExpungeResult(StoreStatus.Success, removed, _folder.HighestModSeq);
        }, save: true, cancellationToken).ConfigureAwait(false);
    }
}
