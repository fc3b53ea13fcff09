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
    /// <summary>Continues on a thread-pool thread when the caller runs on any other thread (a socket engine's).</summary>
    /// <returns>A completed task on a thread-pool thread; otherwise one that completes on the thread pool.</returns>
    public static ValueTask LeaveSocketThreadAsync() =>
        Thread.CurrentThread.IsThreadPoolThread ? default : HopAsync();

    private static async ValueTask HopAsync() => await Task.Yield();
}
