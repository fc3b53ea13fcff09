using System.Text;
using MailKitServer.Runtime;

namespace MailKitServer.Tests.Runtime;

/// <summary>
/// A tiny line protocol to exercise the runtime: ECHO, STARTTLS, BUSY (holds a "transaction" open), FLOOD (writes
/// lines until a flush fails, then says so in <see cref="FloodEnded"/>), NODELAY (tells whether TCP_NODELAY is on),
/// LAST (a reply, then the session ends) and PENDING (the same with a read still waiting).
/// </summary>
internal sealed class EchoHandler : IConnectionHandler
{
    private readonly TaskCompletionSource _floodEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when a FLOOD's flush failed (the client never read, and the flush timed out).</summary>
    public Task FloodEnded => _floodEnded.Task;

    public async Task HandleAsync(MailConnection connection)
    {
        connection.Write("HELLO\r\n");
        while (true)
        {
            var read = await connection.ReadLineAsync(64);
            switch (read.Status)
            {
                case LineReadStatus.Closed:
                    return;
                case LineReadStatus.TimedOut:
                    connection.Write("TIMEOUT\r\n");
                    await connection.FlushAsync();
                    return;
                case LineReadStatus.ShuttingDown:
                    connection.Write("BYE\r\n");
                    await connection.FlushAsync();
                    return;
                case LineReadStatus.TooLong:
                    connection.Write("TOOLONG\r\n");
                    continue;
            }

            var line = Encoding.UTF8.GetString(read.Line.Span);
            switch (line)
            {
                case "STARTTLS":
                    connection.Write("GO\r\n");
                    if (!await connection.UpgradeToTlsAsync())
                    {
                        return;
                    }

                    connection.Write($"SECURE discarded={connection.BytesDiscardedAtTlsUpgrade}\r\n");
                    break;
                case "FLOOD":
                    try
                    {
                        var chunk = new string('x', 1022) + "\r\n";
                        while (true)
                        {
                            for (var i = 0; i < 64; i++)
                            {
                                connection.Write(chunk);
                            }

                            await connection.FlushAsync();
                        }
                    }
                    catch (IOException)
                    {
                        _floodEnded.TrySetResult();
                        return;
                    }

                case "NODELAY":
                    connection.Write($"NODELAY {connection.NoDelay}\r\n");
                    break;
                case "LAST":
                    connection.Write("LAST\r\n");
                    await connection.FlushAsync();
                    return;
                case "PENDING":
                    // Ends the session with a read still waiting on the socket, as IDLE does when a push fails.
                    _ = connection.ReadLineAsync(64).AsTask();
                    connection.Write("LAST\r\n");
                    await connection.FlushAsync();
                    return;
                case "BUSY":
                    connection.Write("WORKING\r\n");
                    await connection.FlushAsync();
                    await Task.Delay(Timeout.Infinite, connection.Aborted);
                    break;
                default:
                    connection.Write("ECHO " + line + "\r\n");
                    break;
            }
        }
    }

    public async Task RejectAsync(MailConnection connection, ConnectionRejection reason)
    {
        connection.Write($"REJECT {reason}\r\n");
        await connection.FlushAsync();
    }
}
