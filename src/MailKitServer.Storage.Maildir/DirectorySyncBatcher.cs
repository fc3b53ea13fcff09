using MailKitServer.Runtime;

namespace MailKitServer.Storage.Maildir;

/// <summary>
/// Group commit for one directory's fsync: every delivery renames its file into <c>new/</c> and must not be
/// acknowledged before the directory is fsynced, but one fsync started after a rename makes that rename durable
/// whoever asked for it. Callers that arrive while an fsync runs wait for the next one, which then covers all of them:
/// with 20 sessions delivering to one mailbox that is one directory fsync for many messages instead of one each,
/// and the folder's lock is no longer held across it (issue 24).
/// </summary>
internal sealed class DirectorySyncBatcher
{
    private readonly Action _sync;
    private readonly Lock _gate = new();
    private TaskCompletionSource? _waiting;
    private bool _running;

    public DirectorySyncBatcher(string path)
        : this(() => NativeFileSystem.SyncDirectory(path))
    {
    }

    /// <summary>A batcher over any fsync-like action (tests count and hold the fsyncs).</summary>
    internal DirectorySyncBatcher(Action sync) => _sync = sync;

    /// <summary>Completes once an fsync of the directory that started after this call has succeeded.</summary>
    /// <returns>The task; it faults with the fsync's error (an <see cref="IOException"/>).</returns>
    public Task SyncAsync()
    {
        lock (_gate)
        {
            var batch = _waiting ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (!_running)
            {
                _running = true;
                _ = Task.Run(SyncWhileAsked);
            }

            return batch.Task;
        }
    }

    private void SyncWhileAsked()
    {
        while (true)
        {
            TaskCompletionSource batch;
            lock (_gate)
            {
                if (_waiting is null)
                {
                    _running = false;
                    return;
                }

                batch = _waiting;
                _waiting = null;
            }

            try
            {
                _sync();
                batch.SetResult();
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                batch.SetException(ex);
            }
        }
    }
}
