using System.Net;
using System.Net.Sockets;
using System.Text;
using MailKitServer.TestSupport;

namespace MailKitServer.Smtp.Tests.Outbound;

/// <summary>A misbehaving (or minimal) SMTP server for client tests: each connection runs the script given.</summary>
internal sealed class ScriptedSmtpServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _connections;

    public ScriptedSmtpServer(IPAddress address, Func<ScriptedConnection, Task> script)
    {
        _listener = new TcpListener(address, 0);
        _listener.Start();
        _loop = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await _listener.AcceptTcpClientAsync(_stop.Token);
                }
                catch (Exception)
                {
                    return;
                }

                Interlocked.Increment(ref _connections);
                _ = Task.Run(async () =>
                {
                    await using (var lines = LineClient.Accepted(client))
                    {
                        try
                        {
                            await script(new ScriptedConnection(lines));
                        }
                        catch (Exception)
                        {
                            // The client went away: fine for a script.
                        }
                    }
                });
            }
        });
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public int Connections => Volatile.Read(ref _connections);

    public List<string> Transcript { get; } = [];

    /// <summary>A minimal well-behaved server with the given EHLO keywords; calls back with each message's content.</summary>
    public static ScriptedSmtpServer Minimal(IPAddress address, string[] extensions, Action<string> received, Func<string, string>? rcptReply = null, Action<string>? command = null) =>
        new(address, async c =>
        {
            await c.SendAsync("220 scripted.test ESMTP");
            while (await c.ReadLineAsync() is { } line)
            {
                command?.Invoke(line);
                var verb = line.Split(' ')[0].ToUpperInvariant();
                switch (verb)
                {
                    case "EHLO":
                        await c.SendAsync(string.Join("\r\n", new[] { "250-scripted.test" }.Concat(extensions.Select(e => "250-" + e)).Append("250 OK")));
                        break;
                    case "RCPT":
                        await c.SendAsync(rcptReply?.Invoke(line) ?? "250 2.1.5 OK");
                        break;
                    case "DATA":
                        await c.SendAsync("354 go");
                        var body = new StringBuilder();
                        while (await c.ReadLineAsync() is { } l && l != ".")
                        {
                            body.Append(l).Append("\r\n");
                        }

                        received(body.ToString());
                        await c.SendAsync("250 2.0.0 queued");
                        break;
                    case "QUIT":
                        await c.SendAsync("221 bye");
                        return;
                    default:
                        await c.SendAsync("250 2.0.0 OK");
                        break;
                }
            }
        });

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _loop;
        _stop.Dispose();
    }
}

/// <summary>One connection of a scripted server.</summary>
internal sealed class ScriptedConnection(LineClient lines)
{
    public Task SendAsync(string text) => SendRawAsync(text + "\r\n");

    public Task SendRawAsync(string text) => lines.SendAsync(text);

    public Task<string?> ReadLineAsync() => lines.ReadLineAsync();
}
