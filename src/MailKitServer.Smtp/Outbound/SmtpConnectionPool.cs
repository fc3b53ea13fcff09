using System.Collections.Concurrent;
using System.Net;

namespace MailKitServer.Smtp.Outbound;

/// <summary>Idle client connections kept for the next message to the same host (one connection, many messages).</summary>
internal sealed class SmtpConnectionPool(TimeProvider time, TimeSpan reuseTime) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<(IPEndPoint EndPoint, string Host, TlsPolicy Tls), ConcurrentQueue<SmtpClientConnection>> _idle = new();

    /// <summary>Whether any connection waits for reuse (then the queue wakes to close it in time).</summary>
    public bool HasIdle => _idle.Values.Any(q => !q.IsEmpty);

    public SmtpClientConnection? Take(IPEndPoint endPoint, string host, TlsPolicy tls)
    {
        if (_idle.TryGetValue((endPoint, host, tls), out var queue))
        {
            while (queue.TryDequeue(out var connection))
            {
                if (connection.IsUsable && time.GetUtcNow() - connection.IdleSince < reuseTime)
                {
                    return connection;
                }

                _ = CloseAsync(connection);
            }
        }

        return null;
    }

    public void Return(SmtpClientConnection connection, TlsPolicy tls)
    {
        if (!connection.IsUsable)
        {
            _ = CloseAsync(connection);
            return;
        }

        _idle.GetOrAdd((connection.EndPoint, connection.Host, tls), _ => new()).Enqueue(connection);
    }

    /// <summary>Closes connections idle for longer than the reuse time.</summary>
    public async Task SweepAsync()
    {
        foreach (var queue in _idle.Values)
        {
            var keep = new List<SmtpClientConnection>();
            while (queue.TryDequeue(out var c))
            {
                if (c.IsUsable && time.GetUtcNow() - c.IdleSince < reuseTime)
                {
                    keep.Add(c);
                }
                else
                {
                    await CloseAsync(c).ConfigureAwait(false);
                }
            }

            foreach (var c in keep)
            {
                queue.Enqueue(c);
            }
        }
    }

    private static async Task CloseAsync(SmtpClientConnection connection)
    {
        await connection.QuitAsync(CancellationToken.None).ConfigureAwait(false);
        await connection.DisposeAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var queue in _idle.Values)
        {
            while (queue.TryDequeue(out var c))
            {
                await CloseAsync(c).ConfigureAwait(false);
            }
        }
    }
}
