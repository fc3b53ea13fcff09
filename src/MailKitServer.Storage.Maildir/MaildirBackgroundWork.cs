namespace MailKitServer.Storage.Maildir;

/// <summary>
/// The work a folder does on its own (index saves, refreshes after a watcher's event), owned so that it can be awaited
/// when the folder is deleted and when the store is disposed: nothing runs in a folder after the store let it go.
/// Each piece of work handles its own errors.
/// </summary>
internal sealed class MaildirBackgroundWork
{
    private readonly HashSet<Task> _running = [];

    /// <summary>Runs <paramref name="work"/> on the thread pool and keeps it until it ends.</summary>
    public void Run(Func<Task> work)
    {
        Task task;
        lock (_running)
        {
            task = Task.Run(work);
            _running.Add(task);
        }

        _ = task.ContinueWith(
            t =>
            {
                lock (_running)
                {
                    _running.Remove(t);
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>Completes when everything started before the call has ended.</summary>
    public Task WhenIdleAsync()
    {
        lock (_running)
        {
            return Task.WhenAll([.. _running]);
        }
    }
}
