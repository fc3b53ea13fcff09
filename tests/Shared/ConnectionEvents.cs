using MailKitServer.Runtime;

namespace MailKitServer.TestSupport;

/// <summary>Awaits a server's connections ending (its <c>ConnectionClosed</c> event), instead of sleeping or polling.</summary>
internal static class ConnectionEvents
{
    /// <summary>Completes once at most <paramref name="atMost"/> connections are open; fails after 15 s.</summary>
    public static async Task WaitForConnectionsAsync(MailServer server, int atMost = 0)
    {
        using var closed = new SemaphoreSlim(0);
        void OnClosed() => closed.Release();
        server.ConnectionClosed += OnClosed;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            while (server.ActiveConnections > atMost)
            {
                await closed.WaitAsync(timeout.Token);
            }
        }
        finally
        {
            server.ConnectionClosed -= OnClosed;
        }
    }
}
