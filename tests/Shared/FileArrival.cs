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
        // Not disposed: a watcher event in flight may still release it after the watcher is gone.
        var changed = new SemaphoreSlim(0);
        using var watcher = FolderChanges.Watch(root, changed);
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
