// A minimal SmtpServer (cosullivan) host for the intake benchmark: listens on 127.0.0.1:PORT, accepts every
// sender and recipient (the library's defaults) and keeps each message's bytes in memory, like MailKitServer's
// in-memory store. Prints "ready" once listening.
using System.Buffers;
using System.Collections.Concurrent;
using SmtpServer;
using SmtpServer.Protocol;
using SmtpServer.Storage;

var port = int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture);
var options = new SmtpServerOptionsBuilder()
    .ServerName("bench.test")
    .Endpoint(b => b.Endpoint(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, port)))
    .MaxMessageSize(64 * 1024 * 1024)
    .Build();
var services = new SmtpServer.ComponentModel.ServiceProvider();
services.Add(new KeepInMemory());
var server = new SmtpServer.SmtpServer(options, services);
var running = server.StartAsync(CancellationToken.None);
Console.WriteLine("ready");
await running;

sealed class KeepInMemory : MessageStore
{
    readonly ConcurrentQueue<byte[]> messages = new();

    public override Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction,
        ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
    {
        messages.Enqueue(buffer.ToArray());
        return Task.FromResult(SmtpResponse.Ok);
    }
}
