using System.Threading.Tasks.Sources;

namespace MailKitServer.Runtime;

/// <summary>
/// Moves a session onto a thread-pool thread before work that may block or run long. With inline socket completions
/// (<c>DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1</c>, which the host turns on: about +30% SMTP intake, issue 24)
/// the code after a completed socket read runs on the socket engine's own thread, which serves every other socket of
/// that engine: an fsync, a password hash, a TLS handshake or an IMAP SEARCH there would stall them all. Engines call
/// <see cref="LeaveSocketThreadAsync"/> before such work; on a thread-pool thread (always, without inline
/// completions) it costs one property read.
/// </summary>
internal static class ThreadPoolHop
{
    /// <summary>
    /// Continues on a thread-pool thread when the caller runs on any other thread (a socket engine's). The returned
    /// task is never complete before its caller awaits it: the caller's continuation itself is queued to the thread
    /// pool. (An async method that awaited <c>Task.Yield()</c> could finish on the pool before its caller reached its
    /// own await, and the caller then went on synchronously, still on the socket thread: 3 runs in 15 of the test
    /// under load.)
    /// </summary>
    /// <returns>A completed task on a thread-pool thread; otherwise one whose continuation runs on the thread pool.</returns>
    public static ValueTask LeaveSocketThreadAsync() =>
        Thread.CurrentThread.IsThreadPoolThread ? default : new ValueTask(Hop.Instance, 0);

    /// <summary>A task source that is pending until awaited and then queues the continuation to the thread pool; stateless, so shared.</summary>
    private sealed class Hop : IValueTaskSource
    {
        public static readonly Hop Instance = new();

        public ValueTaskSourceStatus GetStatus(short token) => ValueTaskSourceStatus.Pending;

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
        {
            if ((flags & ValueTaskSourceOnCompletedFlags.FlowExecutionContext) != 0)
            {
                ThreadPool.QueueUserWorkItem(continuation, state, preferLocal: false);
            }
            else
            {
                ThreadPool.UnsafeQueueUserWorkItem(continuation, state, preferLocal: false);
            }
        }

        public void GetResult(short token)
        {
        }
    }
}
