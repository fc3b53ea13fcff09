using MailKitServer.Runtime;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace MailKitServer.Storage.Maildir;

/// <summary>
/// One Maildir folder, shared by every session of the process: its index (UIDVALIDITY, UIDNEXT, MODSEQ, UIDs,
/// keywords, expunge history), reconciled with the files on disk, and the change feeds of its open views. Every
/// change happens under an in-process gate and a lock file, so other processes do not lose updates either.
/// </summary>
internal sealed partial class MaildirFolder
{
    private const string LockFile = "mailkitserver.lock";
    private const string ModSeqFile = "mailkitserver.modseq";

    /// <summary>
    /// MODSEQs are handed out in blocks whose end is written durably before any MODSEQ of the block is used: after a
    /// crash (an index older than the last changes) numbering resumes above every MODSEQ a client could have seen,
    /// so MODSEQ and HIGHESTMODSEQ never go back (RFC 7162 §3.1). One fsync per block.
    /// </summary>
    private const ulong ModSeqBlock = 1000;

    /// <summary>
    /// How long an index save waits after a change, so a burst of changes (a delivery run, a STORE over many
    /// messages) is saved once. The index is a cache (see <see cref="ScheduleSave"/>), so nothing is lost meanwhile.
    /// Real time rather than the server's clock: it batches disk writes and a manual test clock must not stop saves.
    /// </summary>
    private static readonly TimeSpan SaveDelay = TimeSpan.FromMilliseconds(200);
    private static long s_made;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly List<MaildirEntry> _messages = [];
    private readonly MaildirExpungeHistory _expunged = new();
    private readonly MaildirChangeFeed _feed;
    private bool _loaded;
    /// <summary>Whether the index has changes not saved yet; set also outside the gate (a fact read from a file, see <see cref="FactsLearned"/>).</summary>
    private volatile bool _dirty;
    private readonly FoldedBackgroundWork _save;
    private volatile bool _deleted;
    private ulong _modSeqReserved;
    private readonly MaildirQuota _quota;
    private readonly MaildirUidValidityCounter _uidValidities;
    private readonly MaildirBackgroundWork _background = new();
    private readonly FoldedBackgroundWork _refresh;

    /// <summary>Set when the watcher reported a change this folder did not make: the next refresh looks at the files whatever the stamps say.</summary>
    private int _foreignChange;

    public MaildirFolder(string path, string name, MaildirQuota quota, MaildirUidValidityCounter uidValidities, MaildirChangeWatcher watcher)
    {
        Path = path;
        Name = name;
        _quota = quota;
        _uidValidities = uidValidities;
        _feed = new MaildirChangeFeed(this, watcher);
        Keywords = new MaildirKeywords(path);
        NewDirectorySync = new DirectorySyncBatcher(System.IO.Path.Combine(path, "new"));
        _save = new FoldedBackgroundWork(_background, SaveDelay, SaveAsync);
        _refresh = new FoldedBackgroundWork(_background, TimeSpan.Zero, RefreshAsync);
        _verify = new FoldedBackgroundWork(_background, VerifyDelay, VerifyAsync);
        _naming = new FoldedBackgroundWork(_background, TimeSpan.Zero, NameAllAsync);
    }

    public string Path { get; }

    /// <summary>The order in which the process made its folder objects (the watcher asks whether one came before it started).</summary>
    public long Made { get; } = Interlocked.Increment(ref s_made);

    /// <summary>The last <see cref="Made"/> given.</summary>
    public static long LastMade => Interlocked.Read(ref s_made);

    /// <summary>The fsyncs of <c>new/</c> that make deliveries durable, shared by concurrent deliveries.</summary>
    public DirectorySyncBatcher NewDirectorySync { get; }

    public string Name { get; }

    public uint UidValidity { get; private set; }

    /// <summary>
    /// <see cref="UidValidity"/>, without the lock once it is known (it never changes for this object: a folder created
    /// again is another object): SELECT asks for it for the MAILBOXID, and a whole status counted 20,000 messages for it.
    /// </summary>
    public async ValueTask<uint> UidValidityAsync(CancellationToken cancellationToken) =>
        UidValidity is var known and not 0 ? known : await WithLockAsync(() => UidValidity, save: false, cancellationToken).ConfigureAwait(false);

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

    /// <summary>
    /// Runs a command's action with the folder locked and its state fresh from disk; saves the index when asked. The
    /// background naming makes way for commands (see <see cref="CommandRan"/>).
    /// </summary>
    public async Task<T> WithLockAsync<T>(Func<T> action, bool save, CancellationToken cancellationToken)
    {
        CommandRan();
        try
        {
            return await WithLockAsync(action, save, deferVerify: false, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            CommandRan();
        }
    }

    private async Task<T> WithLockAsync<T>(Func<T> action, bool save, bool deferVerify, CancellationToken cancellationToken)
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

            // Watched live from here to the end (the same epoch after): another program's change meanwhile reaches the
            // folder as an event about a name it did not expect, and no verifying scan is needed after the command.
            var epoch = OwnChanges.LiveEpoch;
            _reconciledInHold = false;
            var before = ReadStamps();
            Refresh(before);
            var result = action();
            RememberStamps(before, deferVerify || (epoch >= 0 && epoch == OwnChanges.LiveEpoch));
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

    /// <summary>
    /// Where a message's file was when this folder last looked, without the lock file or a look at the disk (a reader's
    /// fast path: 20,000 FETCHes must not take 20,000 file locks). <see langword="null"/> when the folder is not loaded
    /// yet or the UID is unknown; a reader whose open then fails (another process renamed or removed the file) asks
    /// again through <see cref="WithLockAsync{T}(Func{T}, bool, CancellationToken)"/>, which looks at the disk.
    /// </summary>
    public async Task<string?> KnownPathAsync(uint uid, CancellationToken cancellationToken)
    {
        CommandRan();
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return _loaded && !_deleted && Find(uid) is { } e ? System.IO.Path.Combine(Path, e.RelativePath) : null;
        }
        finally
        {
            _gate.Release();
        }
    }

    public MaildirEntry? Find(uint uid) => UidSearch.IndexOf(_messages, uid, m => m.Uid) is var i and >= 0 ? _messages[i] : null;

    /// <summary>
    /// Adds a file already placed in new/ or cur/ under the UID it was named with, saved now (RFC 8514); a copy
    /// keeps its source's <paramref name="emailId"/> (RFC 8474 §5.1), a new message gets one from its unique name.
    /// </summary>
    public MaildirEntry Add(string relativePath, uint uid, SystemFlags flags, IReadOnlyList<string> keywords, DateTimeOffset date, long size, long origin, string? emailId = null)
    {
        // The unique part is read from the path (see MaildirEntry.UniquePart), not kept a second time.
        var entry = new MaildirEntry { Uid = uid, RelativePath = relativePath, Flags = flags, Keywords = keywords, InternalDate = date, Size = size };
        if (emailId is not null)
        {
            entry.EmailId = emailId;
        }

        return Add(entry, origin, DateTimeOffset.UtcNow);
    }

    /// <summary>Adds an entry (its facts may still be to read from the file: <see cref="MaildirEntry.Folder"/> is set here).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs per file at a first sight: see MaildirFolder.Adoption.cs
    private MaildirEntry Add(MaildirEntry entry, long origin, DateTimeOffset saveDate)
    {
        var uid = entry.Uid;
        entry.Folder = this;
        entry.ModSeq = NextModSeq();
        entry.SaveDate = saveDate;
        _messages.Add(entry);
        if (_quota.Counts)
        {
            _quota.Change(entry.Size, 1); // the size is read from the file only when the usage is being counted
        }

        UidNext = Math.Max(UidNext, uid + 1);

        // No view to tell on a folder's first sight (its first view opens after it): no MessageInfo for 20,000 files.
        // Views attach under the gate, which the caller holds, so none can miss this.
        if (_feed.HasViews)
        {
            Publish(new MailboxChange(MailboxChangeKind.Added, entry.ToInfo(), uid, HighestModSeq, origin));
        }

        return entry;
    }

    public uint ReserveUid() => UidNext++;

    /// <summary>
    /// Changes a message's flags by renaming its file (the Maildir way): system flags and the keywords that have a
    /// letter are in the name; the index keeps all keywords. The caller refreshed <see cref="Keywords"/> (once for all
    /// the messages of its command). Returns the message as its views were told of it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs per message in a STORE: see MaildirMailboxView.StoreFlags
    public MessageInfo SetFlags(MaildirEntry entry, SystemFlags flags, IReadOnlyList<string> keywords, long origin, MaildirDirectories directories)
    {
        var letters = Keywords.LettersFor(keywords, refresh: false);
        if (flags != entry.Flags || letters != MaildirFileName.KeywordLetters(entry.RelativePath))
        {
            var target = MaildirFileName.CurPath(entry.UniquePart, entry.Uid, flags, letters);
            RenameOwn(entry.RelativePath, target, directories);
            entry.RelativePath = target;
            entry.Flags = flags;
        }

        entry.Keywords = keywords;
        entry.ModSeq = NextModSeq();
        var info = entry.ToInfo();
        Publish(new MailboxChange(MailboxChangeKind.FlagsChanged, info, entry.Uid, HighestModSeq, origin));
        return info;
    }

    /// <summary>
    /// Removes the messages that match (their files too), each with its own MODSEQ in the expunge history. The list is
    /// compacted in one pass and the MODSEQs are reserved at once: an EXPUNGE of 10,000 of 20,000 messages moved the
    /// list's tail once per message and fsynced a MODSEQ block per thousand (issue 24). The files of a large batch are
    /// deleted from several threads (<see cref="MaildirBatchDeletion"/>), all before the views are told.
    /// </summary>
    public List<uint> Remove(Func<MaildirEntry, bool> predicate, long origin)
    {
        var gone = _messages.Where(predicate).ToList();
        if (gone.Count == 0)
        {
            return [];
        }

        ReserveModSeqs(gone.Count);
        var removed = new List<uint>(gone.Count);

        // A size not known yet is read before the files go, and only when the usage is being counted.
        var sizes = _quota.Counts ? gone.ConvertAll(m => m.Size) : null;
        using (var directories = OpenDirectories())
        {
            DeleteOwn(gone, directories);
        }

        for (var i = 0; i < gone.Count; i++)
        {
            var m = gone[i];
            if (sizes is not null)
            {
                _quota.Change(-sizes[i], -1);
            }

            removed.Add(m.Uid);
            _expunged.Add(m.Uid, NextModSeq());
            Publish(new MailboxChange(MailboxChangeKind.Expunged, null, m.Uid, HighestModSeq, origin));
        }

        var removedSet = gone.ToHashSet();
        _messages.RemoveAll(removedSet.Contains);
        return removed;
    }

    /// <summary>The UIDs expunged after a MODSEQ, or null when the history no longer reaches back that far.</summary>
    public UidSet? ExpungedSince(ulong modSeq) => _expunged.Since(modSeq);

    /// <summary>The next MODSEQ of the folder, reserving a new durable block when the current one is used up.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs per file at a first sight: see MaildirFolder.Adoption.cs
    private ulong NextModSeq()
    {
        ReserveModSeqs(1);
        return ++HighestModSeq;
    }

    /// <summary>
    /// Makes sure the next <paramref name="count"/> MODSEQs are inside the durable reservation, with one write for a
    /// whole batch (a STORE, an EXPUNGE or the adoption of many files) rather than one fsync per block of 1,000.
    /// </summary>
    public void ReserveModSeqs(int count)
    {
        if (HighestModSeq + (ulong)count > _modSeqReserved)
        {
            _modSeqReserved = HighestModSeq + (ulong)count + ModSeqBlock;
            MaildirFiles.WriteDurably(System.IO.Path.Combine(Path, ModSeqFile), _modSeqReserved.ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Adds an open view's change feed (the first one has the store's watcher watch the folder).</summary>
    public void Attach(long viewId, ChannelWriter<MailboxChange> writer) => _feed.Attach(viewId, writer);

    /// <summary>Ends an open view's change feed (the last one stops the watching).</summary>
    public void Detach(long viewId) => _feed.Detach(viewId);

    /// <summary>
    /// Something in new/ or cur/ changed (the store's watcher or its polling saw it): the folder reconciles soon, in
    /// the background, so its open views hear of it. Requests while one is pending are folded into it, and one about
    /// a change this process made itself (the directories' mtimes are those it saw last) takes no lock file: a STORE
    /// over 20,000 messages raised 40,000 watcher events after it, and a refresh with the lock file for each of them
    /// doubled the command's CPU time (issue 24). A pending request is cleared only once it holds the gate, right
    /// before it looks: the events of a command's own renames arrive while the command holds the gate, and each of them
    /// used to queue one more refresh behind it.
    /// </summary>
    public void NoticeChange()
    {
        if (!_deleted)
        {
            _refresh.Request();
        }
    }

    private async Task RefreshAsync(FoldedBackgroundWork request)
    {
        try
        {
            if (!await TakeRefreshRequestAsync(request).ConfigureAwait(false))
            {
                return;
            }

            await WithLockAsync(LookAgain, save: false, deferVerify: false, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The folder is going away (deleted or renamed).
        }
    }

    /// <summary>
    /// The watcher saw a change in new/ or cur/ that this folder did not make (or lost events): the folder looks at its
    /// files soon, as <see cref="NoticeChange"/>, even when their directories' times are those it remembered (another
    /// program's change during one of the folder's own commands is in the times remembered after it).
    /// </summary>
    public void NoticeForeignChange()
    {
        Interlocked.Exchange(ref _foreignChange, 1);
        NoticeChange();
    }

    /// <summary>
    /// Clears the pending refresh request under the gate (a request made after this is a new one) and tells whether
    /// the folder must look at its files: not loaded yet, another program changed them (the watcher said so), or new/
    /// or cur/ changed since it last looked.
    /// </summary>
    private async Task<bool> TakeRefreshRequestAsync(FoldedBackgroundWork request)
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            request.Take();
            var foreign = Interlocked.Exchange(ref _foreignChange, 0) == 1;
            return !_deleted && (!_loaded || foreign || ChangedOnDisk());
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Completes when the folder's background work (index saves, refreshes) started so far has ended.</summary>
    public Task WhenIdleAsync() => _background.WhenIdleAsync();

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

    /// <summary>Tells the open views the folder is gone and ends their feeds.</summary>
    public void Close() => _feed.Close(HighestModSeq);

    /// <summary>
    /// Saves the index soon, in the background. The index is a cache: UIDs are in the file names and system flags in
    /// their info part, so a crash before the save loses no message and no UID (at worst recent keyword changes).
    /// Messages themselves are fsynced before they are acknowledged.
    /// </summary>
    private void ScheduleSave()
    {
        _dirty = true;
        _save.Request();
    }

    /// <summary>The save <see cref="SaveDelay"/> after a request (the requests meanwhile fold into it).</summary>
    private Task SaveAsync(FoldedBackgroundWork request)
    {
        request.Take();
        return FlushAsync();
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

            // Cleared before the save: a fact read from a file meanwhile (no gate) is saved next time, not lost.
            _dirty = false;
            if (Directory.Exists(Path))
            {
                Save();
            }
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
        if (MaildirFiles.ReadNumber(validityPath) is { } v and > 0 && !NamingLostItsIndex())
        {
            UidValidity = v;
            return;
        }

        // A new folder, or one whose UIDs cannot be trusted (see MaildirFolder.Naming.cs): a value above any the
        // account gave before (RFC 3501 §2.3.1.1).
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

        var index = MaildirIndexFile.Read(Path);
        if (index is not null)
        {
            UidNext = Math.Max(UidNext, index.UidNext);
            HighestModSeq = Math.Max(HighestModSeq, index.HighestModSeq);
        }

        if (index is null or { Corrupt: true })
        {
            // A lost or corrupt index is rebuilt from the files; their names carry the UIDs, so UIDVALIDITY stays.
            _rebuilding = true;
            _expunged.Reset(HighestModSeq);
            return;
        }

        foreach (var m in index.Messages)
        {
            m.Folder = this;
        }

        _messages.AddRange(index.Messages);
        foreach (var (uid, modSeq) in index.Expunged)
        {
            _expunged.Add(uid, modSeq);
        }

        _expunged.RaiseFloor(index.ExpungeFloor);
    }

    private void Save()
    {
        _expunged.Trim();
        MaildirIndexFile.Write(Path, UidNext, HighestModSeq, _messages, _expunged);
    }

    private void Publish(MailboxChange change) => _feed.Publish(change);
}
