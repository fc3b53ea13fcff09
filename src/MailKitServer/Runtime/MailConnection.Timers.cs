using System.IO.Pipelines;

namespace MailKitServer.Runtime;

/// <summary>The connection's time-outs on the server's <see cref="TimeProvider"/>: the read timer, the timer of a flush the client is slow to take, and what cancels them.</summary>
internal sealed partial class MailConnection
{
    /// <summary>The idle time-out, shortened to what is left of the line's time and of the <see cref="Deadline"/>.</summary>
    private TimeSpan ReadTimeout(DateTimeOffset? lineDeadline) => Shorter(Shorter(IdleTimeout, lineDeadline), Deadline);

    private TimeSpan Shorter(TimeSpan timeout, DateTimeOffset? deadline)
    {
        if (deadline is not { } d)
        {
            return timeout;
        }

        var left = d - Server.TimeProvider.GetUtcNow();
        left = left < TimeSpan.Zero ? TimeSpan.Zero : left;
        return timeout == Timeout.InfiniteTimeSpan || left < timeout ? left : timeout;
    }

    private CancellationToken StartTimer(ref CancellationTokenSource source, TimeSpan timeout)
    {
        if (!source.TryReset())
        {
            source.Dispose();
            source = NewTimeoutSource();
        }

        if (timeout == TimeSpan.Zero)
        {
            source.Cancel();
        }
        else if (timeout != Timeout.InfiniteTimeSpan)
        {
            source.CancelAfter(timeout);
        }

        return source.Token;
    }

    /// <summary>
    /// Waits for a flush the client is slow to take, at most <see cref="IdleTimeout"/> (a timer of its own: a flush from
    /// another task, IDLE's, must not re-arm the one a pending read waits on) and never past the server's abort.
    /// </summary>
    private async ValueTask<FlushResult> WaitForSlowFlushAsync(ValueTask<FlushResult> flush)
    {
        using var timeout = new CancellationTokenSource(IdleTimeout, Server.TimeProvider);

        await using var onAbort = _abort.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), timeout).ConfigureAwait(false);
        await using var onTimeout = timeout.Token.UnsafeRegister(static s => ((PipeWriter)s!).CancelPendingFlush(), Output).ConfigureAwait(false);
        return await flush.ConfigureAwait(false);
    }

    private CancellationTokenSource NewTimeoutSource() => new(Timeout.InfiniteTimeSpan, Server.TimeProvider);

    private void OnShutdownRequested()
    {
        if (_honourShutdown)
        {
            CancelTimer();
        }
    }

    private void CancelTimer()
    {
        try
        {
            _timeoutCts.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }
}
