using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace MailKitServer.Storage.Maildir;

/// <summary>
/// Notices files other programs drop into or rename in the <c>new/</c> and <c>cur/</c> of the folders that are open,
/// for the whole store with one watcher. On Linux that is one inotify instance read by the store itself
/// (<see cref="InotifyReader"/>) with a watch on each open folder's <c>new/</c> and <c>cur/</c>, added before the
/// folder looks at its files; elsewhere (or when a test gives a watcher) a single recursive
/// <see cref="FileSystemWatcher"/> on the root. One instance however many folders are selected: a watcher per folder
/// took two, and Debian allows a user 128, so SELECT #65 failed (issue 15 item 5). When no watcher can be had, or it
/// fails (the inotify limits are reached), the open folders' directories are polled on the store's
/// <see cref="TimeProvider"/> instead, with a Warning. A FileSystemWatcher or the polling runs while at least one folder
/// is open; the inotify reader, once started, until the store is disposed (without watches while no folder is open).
/// </summary>
internal sealed partial class MaildirChangeWatcher : IDisposable
{
    private readonly string _root;
    private readonly TimeProvider _time;
    private readonly TimeSpan _pollInterval;
    private readonly ILogger _logger;
    private readonly Func<string, FileSystemWatcher> _createWatcher;
    private readonly ConcurrentDictionary<string, MaildirFolder> _folders = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, MaildirFolder>.AlternateLookup<ReadOnlySpan<char>> _foldersBySpan;
    private readonly Lock _lock = new();
    private readonly bool _useInotify;
    private readonly ConcurrentDictionary<int, (MaildirFolder Folder, string Directory, int Reader)> _watched = new();
    private readonly Dictionary<MaildirFolder, (int New, int Cur)> _watchesOf = [];
    private InotifyReader? _inotify;

    /// <summary>
    /// Which inotify reader is the running one (each gets the next number): a watch descriptor means something only to
    /// the instance that gave it, and a reader stopped meanwhile may still deliver an event of its own.
    /// </summary>
    private int _reader;
    private FileSystemWatcher? _watcher;

    /// <summary>When the running watcher started: it watches every directory that existed then (it adds their watches before it runs).</summary>
    private DateTime _watcherStarted;

    /// <summary>The last folder object made before the running watcher started (<see cref="MaildirFolder.Made"/>).</summary>
    private long _lastFolderAtStart;
    private ITimer? _poll;
    private bool _disposed;

    /// <param name="root">The store's root folder.</param>
    /// <param name="time">The clock polling runs on.</param>
    /// <param name="pollInterval">How often open folders are looked at when there is no watcher.</param>
    /// <param name="logger">Where the fall-back to polling is reported.</param>
    /// <param name="createWatcher">Makes a <see cref="FileSystemWatcher"/> to use instead of inotify (tests: one that cannot start, or the one used where there is no inotify).</param>
    public MaildirChangeWatcher(string root, TimeProvider time, TimeSpan pollInterval, ILogger logger, Func<string, FileSystemWatcher>? createWatcher = null)
    {
        _root = root;
        _time = time;
        _pollInterval = pollInterval;
        _logger = logger;
        _useInotify = createWatcher is null && OperatingSystem.IsLinux();
        _createWatcher = createWatcher ?? (r => new FileSystemWatcher(r));
        _foldersBySpan = _folders.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Whether changes are found by polling (no watcher could be had), for tests and diagnostics.</summary>
    public bool IsPolling
    {
        get
        {
            lock (_lock)
            {
                return _poll is not null;
            }
        }
    }

    /// <summary>How many watchers (inotify readers, FileSystemWatchers) were started, for tests and diagnostics.</summary>
    public int Started => Volatile.Read(ref _reader);

    /// <summary>Starts watching a folder (its first view opened).</summary>
    public void Watch(MaildirFolder folder)
    {
        lock (_lock)
        {
            _folders[folder.Path] = folder;
            if (!_disposed && _watcher is null && _poll is null && _inotify is null)
            {
                Start();
            }

            // From here on every change in its new/ and cur/ reaches the folder as an event. With inotify, its watches
            // are added now, before the folder looks at its files. The recursive FileSystemWatcher watches directories
            // that existed when it started; it adds the watch of a directory made later on its own thread, when it
            // reads the directory's creation (a window in which another program's change would be missed).
            var live = _inotify is not null ? AddWatches(folder) : _watcher is not null && ExistedAtStart(folder);
            folder.OwnChanges.Reset(live);
        }
    }

    /// <summary>Stops watching a folder (its last view closed, or it was deleted or renamed).</summary>
    public void Unwatch(MaildirFolder folder)
    {
        lock (_lock)
        {
            if (!_folders.TryRemove(new KeyValuePair<string, MaildirFolder>(folder.Path, folder)))
            {
                return;
            }

            folder.OwnChanges.Reset(live: false);
            RemoveWatches(folder);
            if (!_folders.IsEmpty || _inotify is not null)
            {
                // The inotify reader stays, without watches, until the store is disposed: a client that SELECTs its
                // only open folder again closes the folder's last view first, and a reader (a thread, an inotify
                // instance) was started anew for every such SELECT.
                return;
            }

            Stop();
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _folders.Clear();
            Stop();
        }
    }

    private void Start()
    {
        var number = ++_reader;
        if (_useInotify && InotifyReader.TryCreate((wd, mask, name) => OnInotifyEvent(number, wd, mask, name), out _) is { } reader)
        {
            _inotify = reader;
            return;
        }

        FileSystemWatcher? watcher = null;
        try
        {
            _watcherStarted = DateTime.UtcNow;
            _lastFolderAtStart = MaildirFolder.LastMade;
            watcher = _createWatcher(_root);
            watcher.IncludeSubdirectories = true;
            watcher.NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName;
            watcher.InternalBufferSize = 64 * 1024;
            watcher.Created += OnChanged;
            watcher.Deleted += OnChanged;
            watcher.Renamed += OnRenamed;
            watcher.Error += OnError;
            watcher.EnableRaisingEvents = true;
            _watcher = watcher;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or PlatformNotSupportedException or ArgumentException)
        {
            watcher?.Dispose();
            StartPolling(ex);
        }
    }

    private void StartPolling(Exception reason)
    {
        LogPolling(_logger, _root, _pollInterval, reason.Message);
        _poll = _time.CreateTimer(_ => Poll(), null, _pollInterval, _pollInterval);
    }

    private void Stop()
    {
        StopWatching();
        _poll?.Dispose();
        _poll = null;
    }

    /// <summary>The watcher failed or cannot watch a folder (under the lock): the open folders are polled from here on.</summary>
    private void FallBackToPolling(Exception reason)
    {
        StopWatching();
        StartPolling(reason);
    }

    /// <summary>No watcher any more (inotify or FileSystemWatcher): every open folder verifies after its commands, as when not watched.</summary>
    private void StopWatching()
    {
        foreach (var folder in _folders.Values)
        {
            folder.OwnChanges.Reset(live: false);
        }

        _inotify?.Dispose();
        _inotify = null;
        _watched.Clear();
        _watchesOf.Clear();
        _watcher?.Dispose();
        _watcher = null;
    }

    /// <summary>Adds the inotify watches of a folder's new/ and cur/ (under the lock); on failure the store polls instead.</summary>
    /// <returns>Whether the folder is watched.</returns>
    private bool AddWatches(MaildirFolder folder)
    {
        var newWatch = _inotify!.Add(Path.Combine(folder.Path, "new"), out var errno);
        var curWatch = newWatch < 0 ? -1 : _inotify.Add(Path.Combine(folder.Path, "cur"), out errno);
        if (curWatch < 0)
        {
            if (newWatch >= 0)
            {
                _inotify.Remove(newWatch);
            }

            // ENOSPC: the limit of watches reached. Whatever it is, the open folders are polled from here on.
            FallBackToPolling(new IOException($"inotify_add_watch in {folder.Path} failed (errno {errno})"));
            NoticeAll();
            return false;
        }

        _watched[newWatch] = (folder, "new", _reader);
        _watched[curWatch] = (folder, "cur", _reader);
        _watchesOf[folder] = (newWatch, curWatch);
        return true;
    }

    private void RemoveWatches(MaildirFolder folder)
    {
        if (_inotify is null || !_watchesOf.Remove(folder, out var watches))
        {
            return;
        }

        _watched.TryRemove(watches.New, out _);
        _watched.TryRemove(watches.Cur, out _);
        _inotify.Remove(watches.New);
        _inotify.Remove(watches.Cur);
    }

    /// <summary>
    /// An inotify event (on the reader's thread): a file created, deleted or renamed in a watched new/ or cur/ is
    /// another program's change unless the folder expects its name; the directory itself gone or moved, or events lost,
    /// make the folders look again. The name is matched as characters on the stack: no string is made.
    /// </summary>
    private void OnInotifyEvent(int reader, int wd, uint mask, ReadOnlySpan<byte> name)
    {
        if ((mask & InotifyReader.Overflow) != 0)
        {
            if (reader == Volatile.Read(ref _reader))
            {
                Overflowed();
            }

            return;
        }

        if (!_watched.TryGetValue(wd, out var watched) || watched.Reader != reader)
        {
            return; // a watch removed meanwhile (its IN_IGNORED), or another reader's descriptor
        }

        var folder = watched.Folder;
        if ((mask & (InotifyReader.DeletedSelf | InotifyReader.MovedSelf | InotifyReader.Ignored)) != 0)
        {
            // The directory was deleted or moved away: no event of its files can be relied on any more.
            folder.OwnChanges.Reset(live: false);
            folder.NoticeForeignChange();
            return;
        }

        if (name.IsEmpty || name[0] == (byte)'.')
        {
            return; // dot files are not messages (as TrySplit)
        }

        Span<char> relative = stackalloc char[4 + 256];
        if (name.Length > 255)
        {
            folder.NoticeForeignChange(); // longer than any name this store makes
            return;
        }

        watched.Directory.CopyTo(relative);
        relative[3] = Path.DirectorySeparatorChar;
        var length = 4 + InotifyReader.Decode(name, relative[4..]);
        if (!folder.OwnChanges.IsOwn(relative[..length]))
        {
            folder.NoticeForeignChange();
        }
    }

    private void OnChanged(object sender, FileSystemEventArgs e) => Notice(e.FullPath);

    private void OnRenamed(object sender, RenamedEventArgs e)
    {
        Notice(e.OldFullPath);
        Notice(e.FullPath);
    }

    /// <summary>
    /// A file in <c>new/</c> or <c>cur/</c> of an open folder changed: unless the folder itself made that change (see
    /// <see cref="MaildirOwnChanges"/>), it looks again. A rename is two of these, one per name. No string is made here:
    /// a STORE over 20,000 messages brings 40,000 of them (issue 24).
    /// </summary>
    private void Notice(ReadOnlySpan<char> path)
    {
        if (!TrySplit(path, out var folderPath, out var relative) || !_foldersBySpan.TryGetValue(folderPath, out var folder))
        {
            return;
        }

        if (!folder.OwnChanges.IsOwn(relative))
        {
            folder.NoticeForeignChange();
        }
    }

    /// <summary>Splits <c>FOLDER/cur/NAME</c> (or <c>new/</c>) into the folder's path and <c>cur/NAME</c>; false for anything else (dot files too).</summary>
    internal static bool TrySplit(ReadOnlySpan<char> path, out ReadOnlySpan<char> folderPath, out ReadOnlySpan<char> relative)
    {
        folderPath = relative = default;
        var name = path.LastIndexOf(Path.DirectorySeparatorChar);
        if (name <= 0 || name == path.Length - 1 || path[name + 1] == '.')
        {
            return false;
        }

        var sub = path[..name].LastIndexOf(Path.DirectorySeparatorChar);
        if (sub < 0 || name - sub != 4 || path.Slice(sub + 1, 3) is not ("new" or "cur"))
        {
            return false;
        }

        folderPath = path[..sub];
        relative = path[(sub + 1)..];
        return true;
    }

    private void OnError(object sender, ErrorEventArgs e)
    {
        if (e.GetException() is InternalBufferOverflowException)
        {
            // Events were lost, not the watcher: every open folder looks again.
            Overflowed();
            return;
        }

        lock (_lock)
        {
            if (_disposed || !ReferenceEquals(sender, _watcher))
            {
                return;
            }

            // The watcher stopped (on Linux: no more inotify watches for a new directory). What it may have missed
            // is found by looking at every open folder now, and from here on by polling.
            FallBackToPolling(e.GetException());
        }

        NoticeAll();
    }

    /// <summary>
    /// The watcher lost events (its queue overflowed; a FileSystemWatcher restarts itself after this): no open folder can
    /// trust that every change of the time reached it. Each begins a new epoch (a command running now verifies after
    /// itself) and looks at its files now. With inotify the watches stand and events flow again, so a folder is live
    /// again in the new epoch; with a FileSystemWatcher it verifies after its commands, as when not watched, until it
    /// is watched anew.
    /// </summary>
    internal void Overflowed()
    {
        lock (_lock)
        {
            foreach (var folder in _folders.Values)
            {
                folder.OwnChanges.Reset(live: _inotify is not null && _watchesOf.ContainsKey(folder));
            }
        }

        NoticeAll();
    }

    /// <summary>
    /// Whether the folder's new/ and cur/ were there before the running watcher started (it then watched them from its
    /// start): its folder object was made before (a folder object is made for directories that are there), else their
    /// birth times (statx), with a margin for the file system's coarse clock. A directory whose birth time is not known
    /// (another file system: .NET then gives the older of its change and modification times, recent for a folder in use)
    /// counts as made later: the folder then verifies after its commands, as when not watched.
    /// </summary>
    private bool ExistedAtStart(MaildirFolder folder)
    {
        if (folder.Made <= _lastFolderAtStart)
        {
            return true;
        }

        var before = _watcherStarted - TimeSpan.FromMilliseconds(5);
        return MadeBefore(Path.Combine(folder.Path, "new"), before) && MadeBefore(Path.Combine(folder.Path, "cur"), before);

        static bool MadeBefore(string directory, DateTime time)
        {
            try
            {
                var made = Directory.GetCreationTimeUtc(directory);
                return made.Year > 1601 && made < time; // 1601: not there
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return false;
            }
        }
    }

    /// <summary>Looks at each open folder's <c>new/</c> and <c>cur/</c> modification times; a folder whose changed refreshes.</summary>
    private void Poll()
    {
        foreach (var folder in _folders.Values)
        {
            if (folder.ChangedOnDisk())
            {
                folder.NoticeChange();
            }
        }
    }

    /// <summary>Every open folder looks at its files again, whatever their directories' times say.</summary>
    private void NoticeAll()
    {
        foreach (var folder in _folders.Values)
        {
            folder.NoticeForeignChange();
        }
    }

    [LoggerMessage(EventId = 1600, Level = LogLevel.Warning, Message = "Maildir store {Root}: no directory watcher ({Reason}); open folders are polled every {Interval} instead")]
    private static partial void LogPolling(ILogger logger, string root, TimeSpan interval, string reason);
}
