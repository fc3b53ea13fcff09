using System.Text;
using MailKitServer.Runtime;

namespace MailKitServer.Tests.Runtime;

/// <summary>A tiny line protocol to exercise the runtime: ECHO, STARTTLS, BUSY (holds a "transaction" open).</summary>
internal sealed class EchoHandler : IConnectionHandler
{
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
