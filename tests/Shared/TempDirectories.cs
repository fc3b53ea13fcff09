namespace MailKitServer.TestSupport;

/// <summary>Removing test directories.</summary>
public static class TempDirectories
{
    /// <summary>
    /// Removes the folder and everything in it. A writer that is still at work (a Maildir store a test did not dispose,
    /// saving its index in the background; a peer process's last log line) can create an entry after the recursive
    /// delete listed the folder, which then is "not empty": the delete is tried again at once, and after that each
    /// time the folder reports a change, for 10 s at most. Stop the writer first where the test can.
    /// </summary>
    public static void Delete(string path)
    {
        // Not disposed: a watcher event in flight may still release it after the watcher is gone.
        var changed = new SemaphoreSlim(0);
        FileSystemWatcher? watcher = null;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        try
        {
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    Directory.Delete(path, recursive: true);
                    return;
                }
                catch (IOException) when (Directory.Exists(path) && DateTime.UtcNow < deadline)
                {
                    watcher ??= FolderChanges.Watch(path, changed);
                    var left = deadline - DateTime.UtcNow;
                    if (attempt > 0 && left > TimeSpan.Zero)
                    {
                        changed.Wait(left);
                    }
                }
            }
        }
        finally
        {
            watcher?.Dispose();
        }
    }
}
