namespace MailKitServer.TestSupport;

/// <summary>Wakes a waiter whenever inotify reports a file or directory created, renamed or written under a folder.</summary>
public static class FolderChanges
{
    /// <summary>
    /// Starts watching <paramref name="root"/> (which must exist) and its subfolders; each change releases
    /// <paramref name="changed"/> once. Dispose the watcher to stop; an event in flight may still release after that,
    /// so the semaphore must outlive it (or not be disposed).
    /// </summary>
    public static FileSystemWatcher Watch(string root, SemaphoreSlim changed)
    {
        var watcher = new FileSystemWatcher(root)
        {
            IncludeSubdirectories = true,
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite,
        };
        void Wake(object sender, FileSystemEventArgs e) => changed.Release();
        watcher.Created += Wake;
        watcher.Renamed += Wake;
        watcher.Changed += Wake;
        watcher.EnableRaisingEvents = true;
        return watcher;
    }
}
