namespace MailKitServer.TestSupport;

/// <summary>
/// Waits for files that another process (a Postfix, a Dovecot) writes: the condition is checked again whenever inotify
/// reports a file or directory created, renamed or written under the root, never on a timer.
/// </summary>
public static class FileArrival
{
    /// <summary>Waits until <paramref name="condition"/> holds; returns whether it did before <paramref name="timeout"/>.</summary>
    public static async Task<bool> WaitUntilAsync(string root, Func<bool> condition, TimeSpan timeout)
    {
        using var changed = new SemaphoreSlim(0);
        using var watcher = new FileSystemWatcher(root)
        {
            IncludeSubdirectories = true,
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite,
        };
        void Wake(object sender, FileSystemEventArgs e) => changed.Release();
        watcher.Created += Wake;
        watcher.Renamed += Wake;
        watcher.Changed += Wake;
        watcher.EnableRaisingEvents = true;
        using var expired = new CancellationTokenSource(timeout);
        while (!condition())
        {
            try
            {
                await changed.WaitAsync(expired.Token);
            }
            catch (OperationCanceledException)
            {
                return condition();
            }
        }

        return true;
    }
}
