using MailKitServer.Runtime;
namespace MailKitServer.Storage.Maildir;

/// <summary>One user's Maildir: INBOX at the root, other folders as Maildir++ <c>.name</c> directories.</summary>
internal sealed class MaildirAccount(MaildirMessageStore store, string userId, string root) : IObjectIdMailAccount, IQuotaMailAccount, Metadata.IMetadataMailAccount
{
    private const string RolesFile = "mailkitserver.roles";
    private const string SubscriptionsFile = "mailkitserver.subscriptions";
    private static readonly SemaphoreSlim MetadataGate = new(1, 1);
    private static readonly MailboxResult TooLong = new(StoreStatus.InvalidName, "mailbox name too long");
    private FileStream? _maildropLock;

    public string UserId { get; } = userId;

    private readonly string _userHash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(userId)))[..16];

    public MaildirQuota Quota { get; } = store.QuotaFor(root);

    private MaildirUidValidityCounter UidValidities { get; } = store.UidValiditiesFor(root);

    public MaildirFolder? Folder(string name)
    {
        var path = MaildirFolderNames.ToDirectory(root, name);
        return Directory.Exists(Path.Combine(path, "cur")) ? store.GetFolder(path, name, Quota, UidValidities) : null;
    }

    public ValueTask<IReadOnlyList<MailboxInfo>> ListAsync(CancellationToken cancellationToken)
    {
        var roles = ReadMap(RolesFile);
        var subscribed = ReadSet(SubscriptionsFile);
        var names = new List<string> { MailboxName.Inbox };
        names.AddRange(Directory.EnumerateDirectories(root).Select(d => MaildirFolderNames.FromDirectory(Path.GetFileName(d))).OfType<string>().Order(StringComparer.Ordinal));
        var list = names.Select(n => new MailboxInfo(
            n,
            n == MailboxName.Inbox ? MailboxRole.Inbox : roles.TryGetValue(n, out var r) && Enum.TryParse<MailboxRole>(r, out var role) ? role : MailboxRole.None,
            subscribed.Contains(n),
            names.Exists(c => c.StartsWith(n + MailboxName.Separator, StringComparison.Ordinal)))).ToList();
        return ValueTask.FromResult<IReadOnlyList<MailboxInfo>>(list);
    }

    public async ValueTask<MailboxResult> CreateAsync(string name, MailboxRole role, CancellationToken cancellationToken)
    {
        if (!MailboxName.TryNormalize(name, out var normalized))
        {
            return new MailboxResult(StoreStatus.InvalidName, "invalid mailbox name");
        }

        if (!MaildirFolderNames.Fits(root, normalized))
        {
            return TooLong;
        }

        if (Folder(normalized) is not null)
        {
            return new MailboxResult(StoreStatus.AlreadyExists, "mailbox already exists");
        }

        var levels = normalized.Split(MailboxName.Separator);
        var created = new List<string>();
        for (var i = 1; i <= levels.Length; i++)
        {
            var level = string.Join(MailboxName.Separator, levels[..i]);
            var path = MaildirFolderNames.ToDirectory(root, level);
            MaildirFolder.CreateDirectories(path);
            await File.WriteAllBytesAsync(Path.Combine(path, "maildirfolder"), [], cancellationToken).ConfigureAwait(false);
            created.Add(level);
        }

        NativeFileSystem.SyncDirectory(root);
        if (role != MailboxRole.None)
        {
            await UpdateMapAsync(RolesFile, m => m[normalized] = role.ToString(), cancellationToken).ConfigureAwait(false);
        }

        store.OnMailboxesCreated(UserId, created);
        return MailboxResult.Ok;
    }

    public async ValueTask<MailboxResult> RenameAsync(string from, string to, CancellationToken cancellationToken)
    {
        if (!MailboxName.TryNormalize(from, out var source) || !MailboxName.TryNormalize(to, out var target))
        {
            return new MailboxResult(StoreStatus.InvalidName, "invalid mailbox name");
        }

        if (Folder(source) is null)
        {
            return new MailboxResult(StoreStatus.NotFound, "no such mailbox");
        }

        if (Folder(target) is not null)
        {
            return new MailboxResult(StoreStatus.AlreadyExists, "target mailbox already exists");
        }

        if (!MaildirFolderNames.Fits(root, target))
        {
            return TooLong;
        }

        if (source == MailboxName.Inbox)
        {
            // RFC 3501 §6.3.5: INBOX's messages move to the new name; INBOX stays, empty.
            await CreateAsync(target, MailboxRole.None, cancellationToken).ConfigureAwait(false);
            await using var view = (MaildirMailboxView)(await OpenAsync(MailboxName.Inbox, false, cancellationToken).ConfigureAwait(false))!;
            await view.CopyAsync(UidSet.FromUids(view.Messages.Select(m => m.Uid)), target, move: true, cancellationToken).ConfigureAwait(false);

            // RFC 5464 §4.1: renaming INBOX copies its annotations; INBOX keeps its own.
            await MaildirMetadataFiles.CopyAsync(root, MaildirFolderNames.ToDirectory(root, target), cancellationToken).ConfigureAwait(false);

            return MailboxResult.Ok;
        }

        var all = (await ListAsync(cancellationToken).ConfigureAwait(false)).Select(m => m.Name)
            .Where(n => n == source || n.StartsWith(source + MailboxName.Separator, StringComparison.Ordinal)).ToList();
        if (all.Exists(old => !MaildirFolderNames.Fits(root, target + old[source.Length..])))
        {
            // A child's new name would not fit: nothing is renamed.
            return TooLong;
        }
        foreach (var old in all)
        {
            await store.MoveFolderAsync(MaildirFolderNames.ToDirectory(root, old), MaildirFolderNames.ToDirectory(root, target + old[source.Length..]), cancellationToken).ConfigureAwait(false);
        }

        NativeFileSystem.SyncDirectory(root);
        await UpdateMapAsync(RolesFile, m => Rename(m, source, target), cancellationToken).ConfigureAwait(false);
        store.OnMailboxesCreated(UserId, all.ConvertAll(old => target + old[source.Length..]));
        return MailboxResult.Ok;
    }

    public async ValueTask<MailboxResult> DeleteAsync(string name, CancellationToken cancellationToken)
    {
        if (!MailboxName.TryNormalize(name, out var normalized))
        {
            return new MailboxResult(StoreStatus.InvalidName, "invalid mailbox name");
        }

        if (normalized == MailboxName.Inbox)
        {
            return new MailboxResult(StoreStatus.NotAllowed, "INBOX cannot be deleted");
        }

        var path = MaildirFolderNames.ToDirectory(root, normalized);
        if (!Directory.Exists(path))
        {
            return new MailboxResult(StoreStatus.NotFound, "no such mailbox");
        }

        await store.DeleteFolderAsync(path, cancellationToken).ConfigureAwait(false);
        NativeFileSystem.SyncDirectory(root);
        await UpdateMapAsync(RolesFile, m => m.Remove(normalized), cancellationToken).ConfigureAwait(false);
        return MailboxResult.Ok;
    }

    public async ValueTask<MailboxResult> SetSubscribedAsync(string name, bool subscribed, CancellationToken cancellationToken)
    {
        if (!MailboxName.TryNormalize(name, out var normalized))
        {
            return new MailboxResult(StoreStatus.InvalidName, "invalid mailbox name");
        }

        await UpdateMapAsync(SubscriptionsFile, m =>
        {
            if (subscribed)
            {
                m[normalized] = "1";
            }
            else
            {
                m.Remove(normalized);
            }
        }, cancellationToken).ConfigureAwait(false);
        return MailboxResult.Ok;
    }

    public async ValueTask<IReadOnlyList<Metadata.MetadataEntry>?> GetMetadataAsync(string mailbox, string userId, CancellationToken cancellationToken) =>
        MetadataDirectory(mailbox) is { } directory ? (await MaildirMetadataFiles.ReadAsync(directory, cancellationToken).ConfigureAwait(false)).Visible(userId) : null;

    public async ValueTask<bool> SetMetadataAsync(string mailbox, string userId, IReadOnlyList<Metadata.MetadataEntry> changes, CancellationToken cancellationToken)
    {
        if (MetadataDirectory(mailbox) is not { } directory)
        {
            return false;
        }

        await MaildirMetadataFiles.UpdateAsync(directory, table => table.Apply(userId, changes), cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Where a mailbox's annotations are kept (the server's: the store's root), or null when the mailbox does not exist.</summary>
    private string? MetadataDirectory(string mailbox) =>
        mailbox.Length == 0 ? store.Root : MailboxName.TryNormalize(mailbox, out var normalized) && Folder(normalized) is { } folder ? folder.Path : null;

    public ValueTask<IReadOnlyList<string>> ListSubscriptionsAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<string>>([.. ReadSet(SubscriptionsFile).Order(StringComparer.Ordinal)]);

    public async ValueTask<MailboxStatus?> GetStatusAsync(string name, CancellationToken cancellationToken)
    {
        if (!MailboxName.TryNormalize(name, out var normalized) || Folder(normalized) is not { } folder)
        {
            return null;
        }

        return await folder.WithLockAsync(folder.Status, save: false, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<QuotaUsage> GetQuotaAsync(CancellationToken cancellationToken)
    {
        await Quota.RefreshAsync(UserId, store.Options, cancellationToken).ConfigureAwait(false);
        var (bytes, messages) = Quota.Limits(store.Options);
        return new QuotaUsage(Quota.Bytes, Quota.Messages, bytes, messages);
    }

    public ValueTask SetQuotaAsync(long? storageLimitBytes, long? messageLimit, CancellationToken cancellationToken)
    {
        Quota.SetLimits(storageLimitBytes, messageLimit);
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// RFC 8474 §4: the folder's UIDVALIDITY (unique within the account, kept by RENAME, new for a folder created again)
    /// after a hash of the user id (so two users' folders never share one).
    /// </summary>
    public async ValueTask<string?> GetMailboxIdAsync(string name, CancellationToken cancellationToken) =>
        MailboxName.TryNormalize(name, out var normalized) && Folder(normalized) is { } folder
            ? "F" + _userHash + (await folder.UidValidityAsync(cancellationToken).ConfigureAwait(false)).ToString("x8", System.Globalization.CultureInfo.InvariantCulture)
            : null;

    public async ValueTask<IMailboxView?> OpenAsync(string name, bool readOnly, CancellationToken cancellationToken)
    {
        if (!MailboxName.TryNormalize(name, out var normalized) || Folder(normalized) is not { } folder)
        {
            return null;
        }

        var viewId = store.NextViewId();
        return await folder.WithLockAsync(() => new MaildirMailboxView(store, this, folder, readOnly, viewId), save: false, cancellationToken).ConfigureAwait(false);
    }

    public ValueTask<AppendResult> AppendAsync(string name, Stream content, SystemFlags flags, IReadOnlyCollection<string> keywords, DateTimeOffset? internalDate, CancellationToken cancellationToken) =>
        AppendAsync(name, content, flags, keywords, internalDate, default, cancellationToken);

    public ValueTask<AppendResult> AppendReplacingAsync(string name, Stream content, SystemFlags flags, IReadOnlyCollection<string> keywords, DateTimeOffset? internalDate, long replacedSize, CancellationToken cancellationToken) =>
        AppendAsync(name, content, flags, keywords, internalDate, (replacedSize, 1), cancellationToken);

    private async ValueTask<AppendResult> AppendAsync(string name, Stream content, SystemFlags flags, IReadOnlyCollection<string> keywords, DateTimeOffset? internalDate, (long Bytes, long Messages) credit, CancellationToken cancellationToken)
    {
        if (!MailboxName.TryNormalize(name, out var normalized))
        {
            return new AppendResult(StoreStatus.InvalidName, Message: "invalid mailbox name");
        }

        return Folder(normalized) is { } folder
            ? await AppendToAsync(folder, content, flags, keywords, internalDate, origin: 0, credit, cancellationToken).ConfigureAwait(false)
            : new AppendResult(StoreStatus.NotFound, Message: "no such mailbox");
    }

    public ValueTask<IAsyncDisposable?> TryLockMaildropAsync(CancellationToken cancellationToken)
    {
        try
        {
            // An exclusive lock file: also excludes another process's POP3 session.
            _maildropLock = new FileStream(Path.Combine(root, "mailkitserver.pop3.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            return ValueTask.FromResult<IAsyncDisposable?>(_maildropLock);
        }
        catch (IOException)
        {
            return ValueTask.FromResult<IAsyncDisposable?>(null);
        }
    }

    public ValueTask DisposeAsync() => _maildropLock?.DisposeAsync() ?? ValueTask.CompletedTask;

    /// <summary>Stores a message; <paramref name="credit"/> is what a REPLACE takes away next (RFC 8508 §3.4: the quota counts net).</summary>
    internal async ValueTask<AppendResult> AppendToAsync(MaildirFolder folder, Stream content, SystemFlags flags, IReadOnlyCollection<string> keywords, DateTimeOffset? internalDate, long origin, (long Bytes, long Messages) credit, CancellationToken cancellationToken)
    {
        // INTERNALDATE (with its zone) and keywords are durable before the caller acknowledges: the date is the file's
        // mtime and its zone is in the name, keywords are letters in the name (their list fsynced first).
        var date = internalDate ?? DateTimeOffset.UtcNow;
        var (temp, size, unique) = await store.WriteTempAsync(folder.Path, content, date, cancellationToken).ConfigureAwait(false);
        if (temp is null)
        {
            return new AppendResult(StoreStatus.OverQuota, Message: "message too large");
        }

        await Quota.RefreshAsync(UserId, store.Options, cancellationToken).ConfigureAwait(false);
        if (!Quota.Allows(size - credit.Bytes, store.Options, 1 - credit.Messages))
        {
            File.Delete(temp);
            return new AppendResult(StoreStatus.OverQuota, Message: "quota exceeded");
        }

        var uid = await folder.WithLockAsync(() =>
        {
            var uid = folder.ReserveUid();
            var distinct = keywords.Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
            var relative = MaildirFileName.CurPath(unique!, uid, flags, folder.Keywords.LettersFor(distinct));
            folder.Place(temp, relative, link: false);
            NativeFileSystem.SyncDirectory(Path.Combine(folder.Path, "cur"));
            folder.Add(relative, uid, flags, distinct, date, size, origin);
            return uid;
        }, save: true, cancellationToken).ConfigureAwait(false);
        return new AppendResult(StoreStatus.Success, folder.UidValidity, uid);
    }

    private static void Rename(Dictionary<string, string> map, string source, string target)
    {
        foreach (var key in map.Keys.Where(k => k == source || k.StartsWith(source + MailboxName.Separator, StringComparison.Ordinal)).ToList())
        {
            map[target + key[source.Length..]] = map[key];
            map.Remove(key);
        }
    }

    private Dictionary<string, string> ReadMap(string file)
    {
        var path = Path.Combine(root, file);
        return File.Exists(path)
            ? File.ReadAllLines(path).Select(l => l.Split('\t')).Where(p => p.Length == 2).GroupBy(p => p[0]).ToDictionary(g => g.Key, g => g.Last()[1], StringComparer.Ordinal)
            : new Dictionary<string, string>(StringComparer.Ordinal);
    }

    private HashSet<string> ReadSet(string file) => ReadMap(file).Keys.ToHashSet(StringComparer.Ordinal);

    private async Task UpdateMapAsync(string file, Action<Dictionary<string, string>> change, CancellationToken cancellationToken)
    {
        await MetadataGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var map = ReadMap(file);
            change(map);
            var path = Path.Combine(root, file);
            await File.WriteAllLinesAsync(path + ".tmp", map.Select(kv => kv.Key + "\t" + kv.Value), cancellationToken).ConfigureAwait(false);
            File.Move(path + ".tmp", path, overwrite: true);
        }
        finally
        {
            MetadataGate.Release();
        }
    }
}
