using MailKitServer.Runtime;
using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MailKitServer.Storage.Maildir;

/// <summary>
/// A durable message store over Maildir (Maildir++ layout): a delivery is written to <c>tmp/</c>, fsynced, renamed
/// into <c>new/</c> and the directory fsynced before it is acknowledged — the qmail and Postfix discipline. Dovecot,
/// mutt and mbsync can open the same folders. Dispose it when the server has stopped: what it still holds in memory
/// (folder indexes not saved yet) is written then.
/// </summary>
public sealed partial class MaildirMessageStore : IMessageStore, IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, MaildirFolder> _folders = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, MaildirQuota> _quotas = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, MaildirUidValidityCounter> _uidValidities = new(StringComparer.Ordinal);
    private readonly MaildirStoreOptions _options;
    private readonly MaildirChangeWatcher _watcher;
    private long _nextViewId;

    /// <summary>Creates a store; the root folder is created if missing.</summary>
    /// <param name="options">Kept, not copied: set everything before the store is created and change nothing after.</param>
    public MaildirMessageStore(MaildirStoreOptions options)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        if (options.ChangePollInterval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.ChangePollInterval, $"{nameof(MaildirStoreOptions.ChangePollInterval)} must be positive.");
        }

        Root = Path.GetFullPath(options.Root);
        Directory.CreateDirectory(Root);
        var logger = (options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger("MailKitServer.Storage.Maildir");
        _watcher = new MaildirChangeWatcher(Root, options.TimeProvider ?? TimeProvider.System, options.ChangePollInterval, logger, options.CreateWatcher);
    }

    /// <summary>The absolute root folder.</summary>
    public string Root { get; }

    internal MaildirStoreOptions Options => _options;

    /// <inheritdoc />
    public async ValueTask<DeliveryResult> DeliverAsync(DeliveryRequest request, Stream content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(content);
        var outcomes = new List<DeliveryOutcome>();
        string? written = null;
        long size = 0;
        string? unique = null;
        try
        {
            foreach (var target in request.Targets)
            {
                if (!MailboxName.TryNormalize(target.Mailbox, out var mailbox))
                {
                    outcomes.Add(new DeliveryOutcome(target, StoreStatus.InvalidName, Message: "invalid mailbox name"));
                    continue;
                }

                var account = await OpenAccountCoreAsync(target.UserId, cancellationToken).ConfigureAwait(false);
                var folder = account.Folder(mailbox) ?? account.Folder(MailboxName.Inbox)!;
                await account.Quota.RefreshAsync(account.UserId, _options, cancellationToken).ConfigureAwait(false);
                if (!account.Quota.Allows(content.CanSeek ? content.Length : size, _options))
                {
                    outcomes.Add(new DeliveryOutcome(target, StoreStatus.OverQuota, Message: "mailbox full"));
                    continue;
                }

                if (written is null)
                {
                    // Write once, to the first target's tmp/, and make it durable.
                    (written, size, unique) = await WriteTempAsync(folder.Path, content, request.InternalDate, cancellationToken).ConfigureAwait(false);
                    if (written is null)
                    {
                        outcomes.Add(new DeliveryOutcome(target, StoreStatus.OverQuota, Message: "message too large"));
                        break;
                    }
                }

                var first = outcomes.Count(o => o.Status == StoreStatus.Success) == 0 && request.Targets.Count == 1;
                var uid = await folder.WithLockAsync(() =>
                {
                    var uid = folder.ReserveUid();
                    var relative = MaildirFileName.NewPath(unique, uid);
                    // One target: the temporary file itself moves into new/ (Maildir delivery: tmp, then rename).
                    folder.Place(written, relative, link: !first);

                    folder.Add(relative, uid, SystemFlags.None, [], request.InternalDate, size, origin: 0);
                    return uid;
                }, save: true, cancellationToken).ConfigureAwait(false);

                // Durable before it is acknowledged: an fsync of new/ that started after the rename, shared with the
                // deliveries that renamed meanwhile, outside the folder's lock (DirectorySyncBatcher).
                await folder.NewDirectorySync.SyncAsync().ConfigureAwait(false);
                outcomes.Add(new DeliveryOutcome(target, StoreStatus.Success, uid));
            }
        }
        finally
        {
            if (written is not null && File.Exists(written))
            {
                File.Delete(written);
            }
        }

        return new DeliveryResult(outcomes);
    }

    /// <inheritdoc />
    public async ValueTask<IMailAccount> OpenAccountAsync(string userId, CancellationToken cancellationToken) =>
        await OpenAccountCoreAsync(userId, cancellationToken).ConfigureAwait(false);

    internal long NextViewId() => Interlocked.Increment(ref _nextViewId);

    /// <summary>A user's usage (octets and messages, all folders), for quota reports such as IMAP QUOTA.</summary>
    /// <param name="userId">The user id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The usage.</returns>
    public async ValueTask<(long Bytes, long Messages)> GetUsageAsync(string userId, CancellationToken cancellationToken)
    {
        await using var account = await OpenAccountCoreAsync(userId, cancellationToken).ConfigureAwait(false);
        return (account.Quota.Bytes, account.Quota.Messages);
    }

    internal MaildirQuota QuotaFor(string userRoot) => _quotas.GetOrAdd(userRoot, r => new MaildirQuota(r));

    internal MaildirUidValidityCounter UidValiditiesFor(string userRoot) => _uidValidities.GetOrAdd(userRoot, r => new MaildirUidValidityCounter(r));

    internal MaildirFolder GetFolder(string path, string name, MaildirQuota quota, MaildirUidValidityCounter uidValidities) =>
        _folders.GetOrAdd(path, p => new MaildirFolder(p, name, quota, uidValidities, _watcher));

    /// <summary>The store's directory watcher (tests look whether it fell back to polling).</summary>
    internal MaildirChangeWatcher Watcher => _watcher;

    /// <summary>Writes what the store holds in memory (folder indexes with changes not saved yet).</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when everything is on disk.</returns>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        foreach (var folder in _folders.Values)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await folder.WhenIdleAsync().ConfigureAwait(false);
            await folder.FlushAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Stops the store's directory watcher, waits for the folders' background work and flushes the store (see
    /// <see cref="FlushAsync"/>). Messages are durable before they are acknowledged either way.
    /// </summary>
    /// <returns>A task that completes when everything is on disk.</returns>
    public async ValueTask DisposeAsync()
    {
        _watcher.Dispose();
        await FlushAsync().ConfigureAwait(false);
    }

    /// <summary>Deletes a folder's directory, waiting for the work in progress in it (see <see cref="MaildirFolder.DeleteAsync"/>).</summary>
    internal async Task DeleteFolderAsync(string path, CancellationToken cancellationToken)
    {
        if (_folders.TryGetValue(path, out var folder))
        {
            await folder.DeleteAsync(cancellationToken).ConfigureAwait(false);
            _folders.TryRemove(new KeyValuePair<string, MaildirFolder>(path, folder));
        }
        else
        {
            Directory.Delete(path, recursive: true);
        }
    }

    /// <summary>Moves a folder's directory (RENAME) under the folder's gate, as <see cref="DeleteFolderAsync"/> deletes one.</summary>
    internal async Task MoveFolderAsync(string path, string newPath, CancellationToken cancellationToken)
    {
        if (_folders.TryGetValue(path, out var folder))
        {
            await folder.MoveAsync(newPath, cancellationToken).ConfigureAwait(false);
            _folders.TryRemove(new KeyValuePair<string, MaildirFolder>(path, folder));
        }
        else
        {
            Directory.Move(path, newPath);
        }
    }

    /// <summary>
    /// Writes a message to the folder's tmp/ and makes it durable: its mtime is the internal date (as Dovecot reads it)
    /// and the name carries the size and the date's zone.
    /// </summary>
    internal async ValueTask<(string? Path, long Size, string? Unique)> WriteTempAsync(string folderPath, Stream content, DateTimeOffset internalDate, CancellationToken cancellationToken)
    {
        var unique = MaildirFileName.NewUnique();
        var temp = Path.Combine(folderPath, "tmp", unique);
        long size = 0;
        // Unbuffered: the copy below writes in 64 KB blocks from a pooled array.
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(65536);
        try
        {
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 0, FileOptions.Asynchronous))
            {
                int n;
                while ((n = await content.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    size += n;
                    if (size > _options.MaxMessageSize)
                    {
                        while (await content.ReadAsync(buffer, cancellationToken).ConfigureAwait(false) > 0)
                        {
                        }

                        break;
                    }

                    await file.WriteAsync(buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
                }

                // The date goes on after the last write (a write would move it) and before the fsync that makes both durable.
                await file.FlushAsync(cancellationToken).ConfigureAwait(false);
                File.SetLastWriteTimeUtc(file.SafeFileHandle, internalDate.UtcDateTime);
                file.Flush(flushToDisk: true);
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }

        if (size > _options.MaxMessageSize)
        {
            File.Delete(temp);
            return (null, 0, null);
        }

        // The size goes into the name (S=), as Dovecot does, so readers need not stat the file.
        var named = MaildirFileName.WithZone(MaildirFileName.WithSize(unique, size), internalDate.Offset);
        var final = Path.Combine(folderPath, "tmp", named);
        File.Move(temp, final, overwrite: true); // rename(2); see MaildirFolder.SetFlags
        return (final, size, named);
    }

    private async ValueTask<MaildirAccount> OpenAccountCoreAsync(string userId, CancellationToken cancellationToken)
    {
        var root = Path.Combine(Root, MaildirUserFolder.Encode(userId), "Maildir");
        var isNew = !Directory.Exists(root);
        MaildirFolder.CreateDirectories(root);
        var account = new MaildirAccount(this, userId, root);
        if (isNew)
        {
            foreach (var (name, role) in _options.DefaultMailboxes)
            {
                await account.CreateAsync(name, role, cancellationToken).ConfigureAwait(false);
                await account.SetSubscribedAsync(name, true, cancellationToken).ConfigureAwait(false);
            }

            await account.SetSubscribedAsync(MailboxName.Inbox, true, cancellationToken).ConfigureAwait(false);
        }

        return account;
    }
}
