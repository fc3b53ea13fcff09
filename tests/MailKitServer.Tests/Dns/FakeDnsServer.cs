using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace MailKitServer.Tests.Dns;

/// <summary>
/// A scripted name server on loopback (UDP and TCP on the same port) for client tests: the handler sees each query
/// and returns the packets to send back (none: stay silent).
/// </summary>
internal sealed class FakeDnsServer : IAsyncDisposable
{
    private readonly UdpClient _udp;
    private readonly TcpListener _tcp;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _udpLoop;
    private readonly Task _tcpLoop;
    private int _queries;

    public FakeDnsServer(Func<byte[], bool, IEnumerable<byte[]>> handler)
    {
        (_udp, _tcp) = BindBoth();
        EndPoint = (IPEndPoint)_udp.Client.LocalEndPoint!;
        _udpLoop = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                UdpReceiveResult r;
                try
                {
                    r = await _udp.ReceiveAsync(_stop.Token);
                }
                catch (Exception)
                {
                    return;
                }

                Interlocked.Increment(ref _queries);
                foreach (var reply in handler(r.Buffer, false))
                {
                    await _udp.SendAsync(reply, r.RemoteEndPoint);
                }
            }
        });
        _tcpLoop = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                try
                {
                    using var client = await _tcp.AcceptTcpClientAsync(_stop.Token);
                    var stream = client.GetStream();
                    var prefix = new byte[2];
                    await stream.ReadExactlyAsync(prefix);
                    var query = new byte[BinaryPrimitives.ReadUInt16BigEndian(prefix)];
                    await stream.ReadExactlyAsync(query);
                    Interlocked.Increment(ref _queries);
                    foreach (var reply in handler(query, true))
                    {
                        var framed = new byte[reply.Length + 2];
                        BinaryPrimitives.WriteUInt16BigEndian(framed, (ushort)reply.Length);
                        reply.CopyTo(framed, 2);
                        await stream.WriteAsync(framed);
                    }
                }
                catch (Exception)
                {
                    if (_stop.IsCancellationRequested)
                    {
                        return;
                    }
                }
            }
        });
    }

    public IPEndPoint EndPoint { get; }

    /// <summary>
    /// A UDP port the system picks, and TCP on the same number: another test may hold that number for TCP already
    /// (the two port spaces are separate), so a taken one is given back and another is picked.
    /// </summary>
    private static (UdpClient Udp, TcpListener Tcp) BindBoth()
    {
        for (var attempt = 0; ; attempt++)
        {
            var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
            var tcp = new TcpListener((IPEndPoint)udp.Client.LocalEndPoint!);
            try
            {
                tcp.Start();
                return (udp, tcp);
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse && attempt < 20)
            {
                udp.Dispose();
            }
        }
    }

    public int Queries => Volatile.Read(ref _queries);

    /// <summary>A response to <paramref name="query"/>: its ID and question, the given flags and records (already encoded, owner names may point at offset 12).</summary>
    public static byte[] Reply(byte[] query, ushort flags, int answers, int authority, params byte[][] records)
    {
        var questionEnd = 12;
        while (query[questionEnd] != 0)
        {
            questionEnd += query[questionEnd] + 1;
        }

        questionEnd += 5;
        var output = new List<byte>();
        output.AddRange(query.AsSpan(0, 2).ToArray());
        output.AddRange([(byte)(flags >> 8), (byte)flags, 0, 1, (byte)(answers >> 8), (byte)answers, (byte)(authority >> 8), (byte)authority, 0, 0]);
        output.AddRange(query.AsSpan(12, questionEnd - 12).ToArray());
        foreach (var r in records)
        {
            output.AddRange(r);
        }

        return [.. output];
    }

    /// <summary>A record whose owner is the question name (pointer to offset 12).</summary>
    public static byte[] Record(ushort type, uint ttl, byte[] data) => Record([0xC0, 12], type, ttl, data);

    public static byte[] Record(byte[] owner, ushort type, uint ttl, byte[] data)
    {
        var r = new List<byte>(owner);
        r.AddRange([(byte)(type >> 8), (byte)type, 0, 1, (byte)(ttl >> 24), (byte)(ttl >> 16), (byte)(ttl >> 8), (byte)ttl, (byte)(data.Length >> 8), (byte)data.Length]);
        r.AddRange(data);
        return [.. r];
    }

    public static byte[] Name(string name) =>
        [.. name.Split('.').SelectMany(l => new[] { (byte)l.Length }.Concat(System.Text.Encoding.ASCII.GetBytes(l))), 0];

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _udp.Dispose();
        _tcp.Stop();
        await Task.WhenAll(_udpLoop, _tcpLoop);
        _stop.Dispose();
    }
}
