using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace MailKitServer.Dns.Client;

/// <summary>
/// Sends one question to one server: over UDP from a fresh socket (the kernel picks a random source port) with a
/// random message ID, then over TCP when the answer is truncated (RFC 1035 §4.2, RFC 7766). Packets from another
/// address or port, with another ID or for another question are ignored while the wait lasts (RFC 5452).
/// </summary>
internal static class DnsTransport
{
    public static async Task<(DnsResponse? Response, string? Error)> ExchangeAsync(IPEndPoint server, string name, DnsRecordType type, TimeSpan timeout, CancellationToken cancellationToken)
    {
        // Network waits run on real time, whatever clock the cache uses (a paused test clock must not hang a socket).
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        linked.CancelAfter(timeout);
        try
        {
            var (response, error) = await UdpAsync(server, name, type, linked.Token).ConfigureAwait(false);
            if (response is { Truncated: true })
            {
                return await TcpAsync(server, name, type, linked.Token).ConfigureAwait(false);
            }

            return (response, error);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, $"no answer from {server} within {timeout.TotalSeconds:0.#} s");
        }
        catch (SocketException ex)
        {
            return (null, $"{server}: {ex.SocketErrorCode}");
        }
        catch (IOException ex)
        {
            return (null, $"{server}: {ex.Message}");
        }
    }

    private static async Task<(DnsResponse?, string?)> UdpAsync(IPEndPoint server, string name, DnsRecordType type, CancellationToken cancellationToken)
    {
        var id = (ushort)RandomNumberGenerator.GetInt32(0, 65536);
        var query = DnsQuery.Build(id, name, type);
        using var socket = new Socket(server.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(server.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0));
        await socket.SendToAsync(query, SocketFlags.None, server, cancellationToken).ConfigureAwait(false);
        var buffer = new byte[65535];
        while (true)
        {
            var received = await socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(server.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0), cancellationToken).ConfigureAwait(false);
            // A packet from elsewhere, or a stray, forged or broken one: keep waiting for the real answer until the time-out.
            if (server.Equals(received.RemoteEndPoint) && DnsResponseParser.TryParse(buffer.AsSpan(0, received.ReceivedBytes), id, name, type, out var response, out _))
            {
                return (response, null);
            }
        }
    }

    private static async Task<(DnsResponse?, string?)> TcpAsync(IPEndPoint server, string name, DnsRecordType type, CancellationToken cancellationToken)
    {
        var id = (ushort)RandomNumberGenerator.GetInt32(0, 65536);
        var query = DnsQuery.Build(id, name, type);
        using var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(server, cancellationToken).ConfigureAwait(false);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        var framed = new byte[query.Length + 2];
        BinaryPrimitives.WriteUInt16BigEndian(framed, (ushort)query.Length);
        query.CopyTo(framed, 2);
        await stream.WriteAsync(framed, cancellationToken).ConfigureAwait(false);
        var prefix = new byte[2];
        await stream.ReadExactlyAsync(prefix, cancellationToken).ConfigureAwait(false);
        var answer = new byte[BinaryPrimitives.ReadUInt16BigEndian(prefix)];
        await stream.ReadExactlyAsync(answer, cancellationToken).ConfigureAwait(false);
        return DnsResponseParser.TryParse(answer, id, name, type, out var response, out var error) && !response.Truncated
            ? (response, null)
            : (null, $"{server} over TCP: {(error.Length > 0 ? error : "truncated")}");
    }
}
