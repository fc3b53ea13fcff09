using MailKitServer.Runtime;
using System.Globalization;
using System.Text;
using System.Threading.Channels;

namespace MailKitServer.Storage.Maildir;

/// <summary>
/// One Maildir folder, shared by every session of the process: its index (UIDVALIDITY, UIDNEXT, MODSEQ, UIDs,
/// keywords, expunge history), reconciled with the files on disk, and the change feeds of its open views. Every
/// change happens under an in-process gate and a lock file, so other processes do not lose updates either.
/// </summary>
internal sealed class MaildirFolder
{
    private const string IndexFile = "mailkitserver.index";
    private const string LockFile = "mailkitserver.lock";
    private const string ModSeqFile = "mailkitserver.modseq";

    /// <summary>
    /// MODSEQs are handed out in blocks whose end is written durably before any MODSEQ of the block is used: after a
    /// crash (an index older than the last changes) numbering resumes above every MODSEQ a client could have seen,
    /// so MODSEQ and HIGHESTMODSEQ never go back (RFC 7162 §3.1). One fsync per block.
    /// </summary>
    private const ulong ModSeqBlock = 1000;

    /// <summary>How many expunges the index remembers for QRESYNC (older ones are forgotten, RFC 7162 §3.2.6 allows it).</summary>
    private const int ExpungeHistory = 10_000;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly List<MaildirEntry> _messages = [];
    private readonly List<(uint Uid, ulong ModSeq)> _expunged = [];
    private readonly List<(long ViewId, ChannelWriter<MailboxChange> Writer)> _views = [];
    private bool _loaded;
    private bool _dirty;
    private DateTime _newStamp;
    private DateTime _curStamp;
    private int _saveScheduled;
    private bool _rebuilding;
    private volatile bool _deleted;
    private ulong _modSeqReserved;

    /// <summary>Every expunge with a MODSEQ above this is in <see cref="_expunged"/>.</summary>
    private ulong _expungeFloor;

    private readonly MaildirQuota _quota;
    private readonly MaildirUidValidityCounter _uidValidities;
    private readonly MaildirChangeWatcher _watcher;
    private readonly MaildirBackgroundWork _background = new();
    private int _refreshScheduled;

    public MaildirFolder(string path, string name, MaildirQuota quota, MaildirUidValidityCounter uidValidities, MaildirChangeWatcher watcher)
    {
        Path = path;
        Name = name;
        _quota = quota;
        _uidValidities = uidValidities;
        _watcher = watcher;
        Keywords = new MaildirKeywords(path);
    }

    public string Path { get; }

    public string Name { get; }

    public uint UidValidity { get; private set; }

    public uint UidNext { get; private set; } = 1;

    public ulong HighestModSeq { get; private set; } = 1;

    public IReadOnlyList<MaildirEntry> Messages => _messages;

    /// <summary>The keywords that ride in this folder's file names.</summary>
    public MaildirKeywords Keywords { get; }

    public static void CreateDirectories(string path)
    {
        foreach (var sub in new[] { "cur", "new", "tmp" })
        {
            Directory.CreateDirectory(System.IO.Path.Combine(path, sub));
        }
    }

    /// <summary>Runs an action with the folder locked and its state fresh from disk; saves the index when asked.</summary>
    public async Task<T> WithLockAsync<T>(Func<T> action, bool save, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_deleted)
            {
                throw new DirectoryNotFoundException($"The folder {Name} was deleted.");
            }

            using var fileLock = await MaildirFiles.AcquireLockAsync(System.IO.Path.Combine(Path, LockFile), cancellationToken).ConfigureAwait(false);
            if (!_loaded)
            {
                await LoadUidValidityAsync(cancellationToken).ConfigureAwait(false);
            }

            Refresh();
            var result = action();
            RememberStamps();
            if (save)
            {
                ScheduleSave();
            }

            return result;
        }
        finally
        {
            _gate.Release();
        }
    }

    public MaildirEntry? Find(uint uid) => UidSearch.IndexOf(_messages, uid, m => m.Uid) is var i and >= 0 ? _messages[i] : null;

    public MailboxStatus Status() => new(Name, _messages.Count, _messages.Count(m => (m.Flags & SystemFlags.Seen) == 0), UidValidity, UidNext, HighestModSeq, _messages.Sum(m => m.Size), _messages.Count(m => (m.Flags & SystemFlags.Deleted) != 0));

    /// <summary>Adds a file already placed in new/ or cur/ under the UID it was named with.</summary>
    public MaildirEntry Add(string unique, string relativePath, uint uid, SystemFlags flags, IReadOnlyList<string> keywords, DateTimeOffset date, long size, long origin)
    {
        var entry = new MaildirEntry { Uid = uid, Unique = unique, RelativePath = relativePath, Flags = flags, Keywords = keywords, InternalDate = date, Size = size, ModSeq = NextModSeq() };
        _messages.Add(entry);
        _quota.Change(size, 1);
        UidNext = Math.Max(UidNext, uid + 1);
        Publish(new MailboxChange(MailboxChangeKind.Added, entry.ToInfo(), uid, HighestModSeq, origin));
        return entry;
    }

    public uint ReserveUid() => UidNext++;

    /// <summary>
    /// Changes a message's flags by renaming its file (the Maildir way): system flags and the keywords that have a
    /// letter are in the name; the index keeps all keywords.
    /// </summary>
    public void SetFlags(MaildirEntry entry, SystemFlags flags, IReadOnlyList<string> keywords, long origin)
    {
        var letters = Keywords.LettersFor(keywords);
        if (flags != entry.Flags || letters != MaildirFileName.KeywordLetters(entry.RelativePath))
        {
            var target = System.IO.Path.Combine("cur", MaildirFileName.WithUidAndFlags(entry.Unique, entry.Uid, flags, letters));
            File.Move(System.IO.Path.Combine(Path, entry.RelativePath), System.IO.Path.Combine(Path, target));
            entry.RelativePath = target;
            entry.Flags = flags;
        }

        entry.Keywords = keywords;
        entry.ModSeq = NextModSeq();
        Publish(new MailboxChange(MailboxChangeKind.FlagsChanged, entry.ToInfo(), entry.Uid, HighestModSeq, origin));
    }

    public List<uint> Remove(Func<MaildirEntry, bool> predicate, long origin)
    {
        var removed = new List<uint>();
        for (var i = 0; i < _messages.Count; i++)
        {
            var m = _messages[i];
            if (!predicate(m))
            {
                continue;
            }

            try
            {
                File.Delete(System.IO.Path.Combine(Path, m.RelativePath));
            }
            catch (IOException)
            {
            }

            _messages.RemoveAt(i--);
            _quota.Change(-m.Size, -1);
            removed.Add(m.Uid);
            _expunged.Add((m.Uid, NextModSeq()));
            Publish(new MailboxChange(MailboxChangeKind.Expunged, null, m.Uid, HighestModSeq, origin));
        }

        return removed;
    }

    /// <summary>The UIDs expunged after a MODSEQ, or null when the history no longer reaches back that far.</summary>
    public UidSet? ExpungedSince(ulong modSeq) => modSeq < _expungeFloor ? null : UidSet.FromUids(_expunged.Where(e => e.ModSeq > modSeq).Select(e => e.Uid));

    /// <summary>The next MODSEQ of the folder, reserving a new durable block when the current one is used up.</summary>
    private ulong NextModSeq()
    {
        if (HighestModSeq + 1 > _modSeqReserved)
        {
            _modSeqReserved = HighestModSeq + ModSeqBlock;
            MaildirFiles.WriteDurably(System.IO.Path.Combine(Path, ModSeqFile), _modSeqReserved.ToString(CultureInfo.InvariantCulture));
        }

        return ++HighestModSeq;
    }

    public void Attach(long viewId, ChannelWriter<MailboxChange> writer)
    {
        lock (_views)
        {
            _views.Add((viewId, writer));
            if (_views.Count == 1)
            {
                // While a session has the folder open (IDLE included), files another program drops in or renames
                // are noticed at once rather than at the session's next command: the store's watcher tells.
                _watcher.Watch(this);
            }
        }
    }

    /// <summary>
    /// Something in new/ or cur/ changed (the store's watcher or its polling saw it): the folder reconciles soon, in
    /// the background, so its open views hear of it. Requests while one is pending are folded into it.
    /// </summary>
    public void NoticeChange()
    {
        if (_deleted || Interlocked.Exchange(ref _refreshScheduled, 1) == 1)
        {
            return;
        }

        _background.Run(async () =>
        {
            Interlocked.Exchange(ref _refreshScheduled, 0);
            try
            {
                await WithLockAsync(() => 0, save: false, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The folder is going away (deleted or renamed).
            }
        });
    }

    /// <summary>Whether new/ or cur/ changed since the folder last looked (their modification times): what polling asks.</summary>
    public bool ChangedOnDisk() =>
        Directory.GetLastWriteTimeUtc(System.IO.Path.Combine(Path, "new")) != _newStamp || Directory.GetLastWriteTimeUtc(System.IO.Path.Combine(Path, "cur")) != _curStamp;

    /// <summary>Completes when the folder's background work (index saves, refreshes) started so far has ended.</summary>
    public Task WhenIdleAsync() => _background.WhenIdleAsync();

    public void Detach(long viewId)
    {
        lock (_views)
        {
            var i = _views.FindIndex(v => v.ViewId == viewId);
            if (i >= 0)
            {
                _views[i].Writer.TryComplete();
                _views.RemoveAt(i);
            }

            if (i >= 0 && _views.Count == 0)
            {
                _watcher.Unwatch(this);
            }
        }
    }

    /// <summary>
    /// Deletes the folder's directory once no command, watcher or background index save is at work in it (they take
    /// the same gate), and makes every later one fail or do nothing: a save that recreated the lock or index file in
    /// the directory being removed made the delete fail (issue 15 item 6).
    /// </summary>
    public Task DeleteAsync(CancellationToken cancellationToken) => RetireAsync(() => Directory.Delete(Path, recursive: true), cancellationToken);

    /// <summary>Moves the folder's directory (RENAME) as <see cref="DeleteAsync"/> deletes it: this object is done with after.</summary>
    public Task MoveAsync(string newPath, CancellationToken cancellationToken) => RetireAsync(() => Directory.Move(Path, newPath), cancellationToken);

    private async Task RetireAsync(Action onDisk, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _deleted = true;
            Close();
            try
            {
                onDisk();
            }
            catch
            {
                // Still there (the disk refused): usable again; the sessions that had it open were told it is gone.
                _deleted = false;
                throw;
            }
        }
        finally
        {
            _gate.Release();
        }

        // What was waiting for the gate sees the folder gone and ends (a save does nothing, a refresh fails).
        await _background.WhenIdleAsync().ConfigureAwait(false);
    }

    public void Close()
    {
        Publish(new MailboxChange(MailboxChangeKind.MailboxGone, null, 0, HighestModSeq, 0));
        lock (_views)
        {
            foreach (var v in _views)
            {
                v.Writer.TryComplete();
            }

            _views.Clear();
            _watcher.Unwatch(this);
        }
    }

    /// <summary>
    /// Loads the index on first use and, when new/ or cur/ changed since this process last looked (their mtimes),
    /// reconciles it with the files: new files get UIDs, vanished ones are expunged, renamed ones are found again.
    /// </summary>
    private void Refresh()
    {
        if (!_loaded)
        {
            Load();
            _loaded = true;

            // What the first reconciliation finds was already counted by the account's usage scan.
            MaildirQuota.WithoutCounting(Reconcile);
            return;
        }

        if (Directory.GetLastWriteTimeUtc(System.IO.Path.Combine(Path, "new")) == _newStamp && Directory.GetLastWriteTimeUtc(System.IO.Path.Combine(Path, "cur")) == _curStamp)
        {
            return;
        }

        Reconcile();
    }

    private void Reconcile()
    {
        Keywords.Refresh();
        var onDisk = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var sub in new[] { "new", "cur" })
        {
            var dir = System.IO.Path.Combine(Path, sub);
            if (!Directory.Exists(dir))
            {
                continue;
            }

            foreach (var file in Directory.EnumerateFiles(dir))
            {
                var name = System.IO.Path.GetFileName(file);
                if (!name.StartsWith('.'))
                {
                    onDisk[MaildirFileName.Unique(name)] = System.IO.Path.Combine(sub, name);
                }
            }
        }

        var changed = false;
        var vanished = new HashSet<uint>();
        foreach (var entry in _messages)
        {
            if (!onDisk.Remove(entry.Unique, out var path))
            {
                vanished.Add(entry.Uid);
            }
            else
            {
                var flags = MaildirFileName.Flags(path);
                if (path != entry.RelativePath)
                {
                    entry.RelativePath = path;
                    var keywords = Keywords.FromFileName(path).Concat(entry.Keywords.Where(k => !Keywords.HasLetter(k))).ToArray();
                    if (path.StartsWith("cur", StringComparison.Ordinal) && (flags != entry.Flags || !keywords.Order(StringComparer.OrdinalIgnoreCase).SequenceEqual(entry.Keywords.Order(StringComparer.OrdinalIgnoreCase), StringComparer.OrdinalIgnoreCase)))
                    {
                        // Changed by another program (mutt, Dovecot), or by this one before a crash: the file name is
                        // the truth for system flags and for the keywords that have letters.
                        entry.Flags = flags;
                        entry.Keywords = keywords;
                        entry.ModSeq = NextModSeq();
                        Publish(new MailboxChange(MailboxChangeKind.FlagsChanged, entry.ToInfo(), entry.Uid, HighestModSeq, 0));
                    }

                    changed = true;
                }
            }
        }

        if (vanished.Count > 0)
        {
            Remove(m => vanished.Contains(m.Uid), origin: 0);
            changed = true;
        }

        // Unknown files: when rebuilding a lost index, the UIDs their names carry are kept; otherwise (and for files
        // without one, or whose UID is taken) they get the next UIDs, and their names are updated to carry them.
        var taken = _messages.Select(m => m.Uid).ToHashSet();
        var unknown = onDisk.Select(kv => (Unique: kv.Key, RelativePath: kv.Value, Named: MaildirFileName.Uid(kv.Value)))
            .OrderBy(f => f.Named ?? uint.MaxValue).ThenBy(f => f.Unique, StringComparer.Ordinal).ToList();
        foreach (var (unique, relative, named) in unknown)
        {
            var keep = named is { } n && !taken.Contains(n) && (_rebuilding || n >= UidNext);
            var uid = keep ? named!.Value : UidNext;
            var path = relative;
            var flags = MaildirFileName.Flags(relative);
            var sub = relative[..3];
            if (!keep)
            {
                path = System.IO.Path.Combine(sub, sub == "new" ? $"{unique},U={uid}" : MaildirFileName.WithUidAndFlags(unique, uid, flags, MaildirFileName.KeywordLetters(relative)));
                File.Move(System.IO.Path.Combine(Path, relative), System.IO.Path.Combine(Path, path));
            }

            taken.Add(uid);

            // What the index did not know yet comes from the file: keywords from the letters in its name, the internal
            // date from its mtime and the zone in its name.
            var info = new FileInfo(System.IO.Path.Combine(Path, path));
            var date = new DateTimeOffset(info.LastWriteTimeUtc, TimeSpan.Zero).ToOffset(MaildirFileName.Zone(unique));
            Add(unique, path, uid, flags, sub == "cur" ? Keywords.FromFileName(path) : [], date, info.Length, origin: 0);
            changed = true;
        }

        _rebuilding = false;
        _messages.Sort((a, b) => a.Uid.CompareTo(b.Uid));
        if (changed)
        {
            ScheduleSave();
        }
    }

    private void RememberStamps()
    {
        _newStamp = Directory.GetLastWriteTimeUtc(System.IO.Path.Combine(Path, "new"));
        _curStamp = Directory.GetLastWriteTimeUtc(System.IO.Path.Combine(Path, "cur"));
    }

    /// <summary>
    /// Saves the index soon, in the background. The index is a cache: UIDs are in the file names and system flags in
    /// their info part, so a crash before the save loses no message and no UID (at worst recent keyword changes).
    /// Messages themselves are fsynced before they are acknowledged.
    /// </summary>
    private void ScheduleSave()
    {
        _dirty = true;
        if (Interlocked.Exchange(ref _saveScheduled, 1) == 1)
        {
            return;
        }

        _background.Run(async () =>
        {
            await Task.Delay(200).ConfigureAwait(false);
            Interlocked.Exchange(ref _saveScheduled, 0);
            await FlushAsync().ConfigureAwait(false);
        });
    }

    /// <summary>Saves the index now if it has changes not saved yet (the store does this for every folder when it stops).</summary>
    public async Task FlushAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (!_dirty || _deleted)
            {
                return;
            }

            using var fileLock = await MaildirFiles.AcquireLockAsync(System.IO.Path.Combine(Path, LockFile), CancellationToken.None).ConfigureAwait(false);
            if (Directory.Exists(Path))
            {
                Save();
            }

            _dirty = false;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The folder went away (deleted or renamed): nothing to save.
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Reads the folder's UIDVALIDITY, or takes a new one from the account's counter when it has none yet.</summary>
    private async Task LoadUidValidityAsync(CancellationToken cancellationToken)
    {
        var validityPath = System.IO.Path.Combine(Path, MaildirUidValidityCounter.FolderFile);
        if (MaildirFiles.ReadNumber(validityPath) is { } v and > 0)
        {
            UidValidity = v;
            return;
        }

        // A new folder, or one whose UIDs cannot be trusted: a value above any the account gave before (RFC 3501 §2.3.1.1).
        UidValidity = await _uidValidities.NextAsync(cancellationToken).ConfigureAwait(false);
        MaildirFiles.WriteDurably(validityPath, UidValidity.ToString(CultureInfo.InvariantCulture));
    }

    private void Load()
    {
        // MODSEQs up to the reserved block end may have been handed out after the index was last saved: resume
        // above them. Without an index nothing is known of earlier expunges.
        if (MaildirFiles.ReadNumber64(System.IO.Path.Combine(Path, ModSeqFile)) is { } reserved)
        {
            _modSeqReserved = reserved;
            HighestModSeq = Math.Max(HighestModSeq, reserved);
        }

        var indexPath = System.IO.Path.Combine(Path, IndexFile);
        if (!File.Exists(indexPath))
        {
            _rebuilding = true;
            _expungeFloor = HighestModSeq;
            return;
        }

        try
        {
            foreach (var line in File.ReadAllLines(indexPath))
            {
                var f = line.Split(' ');
                switch (f[0])
                {
                    case "uidnext":
                        UidNext = Math.Max(UidNext, uint.Parse(f[1], CultureInfo.InvariantCulture));
                        break;
                    case "modseq":
                        HighestModSeq = Math.Max(HighestModSeq, ulong.Parse(f[1], CultureInfo.InvariantCulture));
                        break;
                    case "M":
                        _messages.Add(new MaildirEntry
                        {
                            Uid = uint.Parse(f[1], CultureInfo.InvariantCulture),
                            ModSeq = ulong.Parse(f[2], CultureInfo.InvariantCulture),
                            InternalDate = DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(f[3], CultureInfo.InvariantCulture)).ToOffset(MaildirFileName.Zone(f[5])),
                            Size = long.Parse(f[4], CultureInfo.InvariantCulture),
                            RelativePath = f[5],
                            Unique = MaildirFileName.Unique(f[5][4..]),
                            Flags = MaildirFileName.Flags(f[5]),
                            Keywords = f.Skip(6).ToArray(),
                        });
                        break;
                    case "X":
                        _expunged.Add((uint.Parse(f[1], CultureInfo.InvariantCulture), ulong.Parse(f[2], CultureInfo.InvariantCulture)));
                        break;
                    case "expungefloor":
                        _expungeFloor = Math.Max(_expungeFloor, ulong.Parse(f[1], CultureInfo.InvariantCulture));
                        break;
                }
            }
        }
        catch (Exception ex) when (ex is FormatException or IndexOutOfRangeException or OverflowException or ArgumentException)
        {
            // A corrupt index is rebuilt from the files; their names carry the UIDs, so UIDVALIDITY stays.
            _messages.Clear();
            _expunged.Clear();
            _rebuilding = true;
            _expungeFloor = HighestModSeq;
        }

        _messages.Sort((a, b) => a.Uid.CompareTo(b.Uid));
        if (_messages.Count > 0)
        {
            UidNext = Math.Max(UidNext, _messages[^1].Uid + 1);
        }
    }

    private void Save()
    {
        var sb = new StringBuilder();
        sb.Append("MKS 1\nuidnext ").Append(UidNext).Append("\nmodseq ").Append(HighestModSeq).Append('\n');
        foreach (var m in _messages)
        {
            sb.Append("M ").Append(m.Uid).Append(' ').Append(m.ModSeq).Append(' ').Append(m.InternalDate.ToUnixTimeMilliseconds()).Append(' ').Append(m.Size).Append(' ').Append(m.RelativePath);
            foreach (var k in m.Keywords)
            {
                sb.Append(' ').Append(k);
            }

            sb.Append('\n');
        }

        if (_expunged.Count > ExpungeHistory)
        {
            var forget = _expunged.Count - ExpungeHistory;
            _expungeFloor = Math.Max(_expungeFloor, _expunged[forget - 1].ModSeq);
            _expunged.RemoveRange(0, forget);
        }

        sb.Append("expungefloor ").Append(_expungeFloor).Append('\n');
        foreach (var (uid, modSeq) in _expunged)
        {
            sb.Append("X ").Append(uid).Append(' ').Append(modSeq).Append('\n');
        }

        MaildirFiles.WriteDurably(System.IO.Path.Combine(Path, IndexFile), sb.ToString());
    }

    private void Publish(MailboxChange change)
    {
        lock (_views)
        {
            foreach (var v in _views)
            {
                v.Writer.TryWrite(change);
            }
        }
    }
}
