using System.IO.Pipelines;

namespace MailKitServer.Runtime;

/// <summary>The connection's time-outs on the server's <see cref="TimeProvider"/>: the read timer and what a cancelled read meant, the timer of a flush the client is slow to take, and the shutdown's end of a read between commands.</summary>
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

    /// <summary>
    /// Arms the read timer: when it fires it cancels the pending read (<see cref="PipeReader.CancelPendingRead"/>), and
    /// <see cref="CancelledRead"/> tells what the cancellation meant. A timer and a deadline rather than a token source
    /// per connection: a read with a token registers on it (and the token source keeps its own timer and registration
    /// table), about 0.2 KB more for each of 10,000 connections waiting in IMAP IDLE.
    /// </summary>
    private void ArmReadTimer(TimeSpan timeout)
    {
        if (timeout == Timeout.InfiniteTimeSpan)
        {
            _readDeadline = null;
            _readTimer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return;
        }

        _readDeadline = Server.TimeProvider.GetUtcNow() + timeout;
        if (timeout == TimeSpan.Zero)
        {
            _readTimer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            CancelRead();
            return;
        }

        _readTimer ??= Server.TimeProvider.CreateTimer(static s => ((MailConnection)s!).CancelRead(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _readTimer.Change(timeout, Timeout.InfiniteTimeSpan);
    }

    /// <summary>
    /// What a read that came back cancelled means: the server's abort closes, a shutdown between commands ends the
    /// session, a passed deadline times out. <see langword="null"/> when it meant none of these (the timer of an earlier
    /// read fired as this one began, or a clock ran behind the timer's): the timer is armed for what is left and the
    /// result is data like any other.
    /// </summary>
    private LineReadStatus? CancelledRead(bool honourShutdown)
    {
        if (_abort.IsCancellationRequested)
        {
            return LineReadStatus.Closed;
        }

        if (honourShutdown && _shutdown.IsCancellationRequested)
        {
            return LineReadStatus.ShuttingDown;
        }

        if (_readDeadline is { } deadline)
        {
            var left = deadline - Server.TimeProvider.GetUtcNow();
            if (left <= TimeSpan.Zero)
            {
                return LineReadStatus.TimedOut;
            }

            _readTimer?.Change(left, Timeout.InfiniteTimeSpan);
        }

        return null;
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

    /// <summary>
    /// Ends a read that waits between commands (the server calls it for each connection after cancelling
    /// <see cref="ShutdownRequested"/>; a connection has no registration of its own on the server's tokens: 10,000
    /// idle connections keep 160 bytes each less). A read started later sees the cancelled token itself.
    /// </summary>
    internal void OnShutdownRequested()
    {
        if (_honourShutdown)
        {
            CancelRead();
        }
    }

    /// <summary>Ends the pending read (or the next one, if none is pending): see <see cref="CancelledRead"/>.</summary>
    private void CancelRead()
    {
        try
        {
            Input.CancelPendingRead();
        }
        catch (Exception ex) when (ex is ObjectDisposedException or InvalidOperationException)
        {
            // The connection is closing.
        }
    }
}
