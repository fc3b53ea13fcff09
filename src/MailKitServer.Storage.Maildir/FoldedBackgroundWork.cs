namespace MailKitServer.Storage.Maildir;

/// <summary>
/// One kind of a folder's background work (an index save, a refresh, a verify, the naming) that requests fold into:
/// <see cref="Request"/> starts a run unless one is pending, and the run calls <see cref="Take"/> at the point after
/// which a new request must start a new run (after its delay, or once it holds the folder's gate). Runs on the folder's
/// <see cref="MaildirBackgroundWork"/>, so deleting the folder or stopping the store awaits it.
/// </summary>
/// <param name="background">Where the runs are started and kept.</param>
/// <param name="delay">How long a run waits before its work (requests meanwhile fold into it); zero for none.</param>
/// <param name="work">The work; it calls <see cref="Take"/> on the instance it is given.</param>
internal sealed class FoldedBackgroundWork(MaildirBackgroundWork background, TimeSpan delay, Func<FoldedBackgroundWork, Task> work)
{
    private int _pending;

    /// <summary>Asks for a run: starts one unless one is pending (requested, and not taken yet by its run).</summary>
    public void Request()
    {
        if (Interlocked.Exchange(ref _pending, 1) == 1)
        {
            return;
        }

        background.Run(async () =>
        {
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay).ConfigureAwait(false);
            }

            await work(this).ConfigureAwait(false);
        });
    }

    /// <summary>Takes the pending request (a request after this starts a new run); returns whether one was pending.</summary>
    public bool Take() => Interlocked.Exchange(ref _pending, 0) == 1;
}
