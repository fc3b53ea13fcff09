using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace MailKitServer.Storage.Maildir;

/// <summary>
/// Notices files other programs drop into or rename in the <c>new/</c> and <c>cur/</c> of the folders that are open,
/// for the whole store with one watcher: a single recursive <see cref="FileSystemWatcher"/> on the root (one inotify
/// instance on Linux, however many folders are selected; a watcher per folder took two, and Debian allows a user 128,
/// so SELECT #65 failed — issue 15 item 5). When no watcher can be had, or it fails (the inotify limits are reached),
/// the open folders' directories are polled on the store's <see cref="TimeProvider"/> instead, with a Warning. The
/// watcher runs while at least one folder is open.
/// </summary>
internal sealed partial class MaildirChangeWatcher : IDisposable
{
    private readonly string _root;
    private readonly TimeProvider _time;
    private readonly TimeSpan _pollInterval;
    private readonly ILogger _logger;
    private readonly Func<string, FileSystemWatcher> _createWatcher;
    private readonly ConcurrentDictionary<string, MaildirFolder> _folders = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private FileSystemWatcher? _watcher;
    private ITimer? _poll;
    private bool _disposed;

    /// <param name="root">The store's root folder.</param>
    /// <param name="time">The clock polling runs on.</param>
    /// <param name="pollInterval">How often open folders are looked at when there is no watcher.</param>
    /// <param name="logger">Where the fall-back to polling is reported.</param>
    /// <param name="createWatcher">Makes the watcher (tests make one that cannot start).</param>
    public MaildirChangeWatcher(string root, TimeProvider time, TimeSpan pollInterval, ILogger logger, Func<string, FileSystemWatcher>? createWatcher = null)
    {
        _root = root;
        _time = time;
        _pollInterval = pollInterval;
        _logger = logger;
        _createWatcher = createWatcher ?? (r => new FileSystemWatcher(r));
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

    /// <summary>Starts watching a folder (its first view opened).</summary>
    public void Watch(MaildirFolder folder)
    {
        lock (_lock)
        {
            _folders[folder.Path] = folder;
            if (!_disposed && _watcher is null && _poll is null)
            {
                Start();
            }
        }
    }

    /// <summary>Stops watching a folder (its last view closed, or it was deleted or renamed).</summary>
    public void Unwatch(MaildirFolder folder)
    {
        lock (_lock)
        {
            if (!_folders.TryRemove(new KeyValuePair<string, MaildirFolder>(folder.Path, folder)) || !_folders.IsEmpty)
            {
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
        FileSystemWatcher? watcher = null;
        try
        {
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
        _watcher?.Dispose();
        _watcher = null;
        _poll?.Dispose();
        _poll = null;
    }

    private void OnChanged(object sender, FileSystemEventArgs e) => Notice(e.FullPath);

    private void OnRenamed(object sender, RenamedEventArgs e)
    {
        Notice(e.OldFullPath);
        Notice(e.FullPath);
    }

    /// <summary>A file in <c>new/</c> or <c>cur/</c> of an open folder changed: that folder looks again.</summary>
    private void Notice(string path)
    {
        if (Path.GetFileName(path).StartsWith('.') || Path.GetDirectoryName(path) is not { } directory)
        {
            return;
        }

        var sub = Path.GetFileName(directory);
        if ((sub == "new" || sub == "cur") && Path.GetDirectoryName(directory) is { } folderPath && _folders.TryGetValue(folderPath, out var folder))
        {
            folder.NoticeChange();
        }
    }

    private void OnError(object sender, ErrorEventArgs e)
    {
        if (e.GetException() is InternalBufferOverflowException)
        {
            // Events were lost, not the watcher: every open folder looks again.
            NoticeAll();
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
            _watcher.Dispose();
            _watcher = null;
            StartPolling(e.GetException());
        }

        NoticeAll();
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

    private void NoticeAll()
    {
        foreach (var folder in _folders.Values)
        {
            folder.NoticeChange();
        }
    }

    [LoggerMessage(EventId = 1600, Level = LogLevel.Warning, Message = "Maildir store {Root}: no directory watcher ({Reason}); open folders are polled every {Interval} instead")]
    private static partial void LogPolling(ILogger logger, string root, TimeSpan interval, string reason);
}
