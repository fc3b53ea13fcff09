using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace MailKitServer.Smtp.Tests.Milter;

/// <summary>
/// A filter that negotiates properly and then misbehaves at a chosen command: never answers it, answers garbage, or
/// closes the connection. Every other step is answered with SMFIR_CONTINUE. Listens on a free loopback port.
/// </summary>
internal sealed class HostileMilter : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private readonly TaskCompletionSource _hit = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public HostileMilter(char at, HostileMilterBehaviour behaviour)
    {
        _listener.Start();
        _accepting = AcceptAsync(at, behaviour);
    }

    public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndpoint;

    /// <summary>How many times the chosen command arrived.</summary>
    public int Hits { get; private set; }

    /// <summary>Completes when the chosen command first arrives (30 s at most).</summary>
    public Task Hit => _hit.Task.WaitAsync(TimeSpan.FromSeconds(30));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting.ContinueWith(_ => { }, TaskScheduler.Default);
        _stop.Dispose();
    }

    private async Task AcceptAsync(char at, HostileMilterBehaviour behaviour)
    {
        var sessions = new List<Task>();
        try
        {
            while (true)
            {
                var socket = await _listener.AcceptSocketAsync(_stop.Token);
                sessions.Add(ServeAsync(socket, at, behaviour));
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        await Task.WhenAll(sessions).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private async Task ServeAsync(Socket socket, char at, HostileMilterBehaviour behaviour)
    {
        using var _ = socket;
        await using var stream = new NetworkStream(socket);
        try
        {
            while (true)
            {
                var header = new byte[4];
                await stream.ReadExactlyAsync(header, _stop.Token);
                var body = new byte[BinaryPrimitives.ReadUInt32BigEndian(header)];
                await stream.ReadExactlyAsync(body, _stop.Token);
                var command = (char)body[0];
                if (command == at)
                {
                    Hits++;
                    _hit.TrySetResult();
                    switch (behaviour)
                    {
                        case HostileMilterBehaviour.Hang:
                            await Task.Delay(Timeout.Infinite, _stop.Token);
                            break;
                        case HostileMilterBehaviour.Garbage:
                            await stream.WriteAsync("\0\0\0\u0005Zjunk"u8.ToArray(), _stop.Token);
                            continue;
                        case HostileMilterBehaviour.Close:
                            return;
                    }
                }

                switch (command)
                {
                    case 'O':
                        // Version 6, may add headers, every step sent and answered.
                        await stream.WriteAsync(Packet('O', [0, 0, 0, 6, 0, 0, 0, 1, 0, 0, 0, 0]), _stop.Token);
                        break;
                    case 'D' or 'A' or 'Q':
                        // Macros and abort get no answer; quit ends the connection.
                        if (command == 'Q')
                        {
                            return;
                        }

                        break;
                    default:
                        await stream.WriteAsync(Packet('c', []), _stop.Token);
                        break;
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or EndOfStreamException or SocketException)
        {
        }
    }

    private static byte[] Packet(char command, byte[] data)
    {
        var packet = new byte[5 + data.Length];
        BinaryPrimitives.WriteUInt32BigEndian(packet, (uint)(data.Length + 1));
        packet[4] = (byte)command;
        data.CopyTo(packet, 5);
        return packet;
    }
}
