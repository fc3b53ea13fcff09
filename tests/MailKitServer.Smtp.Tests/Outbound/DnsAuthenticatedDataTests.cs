using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using MailKitServer.Dns;

namespace MailKitServer.Smtp.Tests.Outbound;

/// <summary>
/// The AD bit of a resolver's response (RFC 4035 §3.2.3) reaches <see cref="DnsResult{T}.Authenticated"/>: a scripted
/// resolver on loopback answers DnsClient's TLSA query with the bit set or clear, as a validating resolver such as
/// unbound would; the query asks for DNSSEC (EDNS with the DO bit).
/// </summary>
public sealed class DnsAuthenticatedDataTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_AD_bit_of_the_answer_is_reported_and_the_query_sets_DO(bool adBit)
    {
        using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var endPoint = (IPEndPoint)udp.Client.LocalEndPoint!;
        var doBit = new TaskCompletionSource<bool>();
        var server = Task.Run(async () =>
        {
            var query = await udp.ReceiveAsync();
            doBit.TrySetResult(HasDoBit(query.Buffer));
            await udp.SendAsync(Answer(query.Buffer, adBit), query.RemoteEndPoint);
        });

        var options = new DnsResolverOptions { UseCache = false, Attempts = 1, Timeout = TimeSpan.FromSeconds(5) };
        options.Servers.Add(endPoint);
        var result = await new DnsClientResolver(options).ResolveTlsaAsync("_25._tcp.mx.b.test", default);
        await server;

        Assert.Equal(DnsStatus.Success, result.Status);
        var record = Assert.Single(result.Records).Value;
        Assert.Equal((3, 1, 1, 32), (record.Usage, record.Selector, record.MatchingType, record.Data.Length));
        Assert.Equal(adBit, result.Authenticated);
        Assert.True(await doBit.Task);
    }

    /// <summary>Whether the query carries an OPT record with the DO bit (RFC 6891 §6.1.4, RFC 3225 §3).</summary>
    private static bool HasDoBit(byte[] query)
    {
        var additional = BinaryPrimitives.ReadUInt16BigEndian(query.AsSpan(10));
        var end = QuestionEnd(query);
        for (var i = 0; i < additional && end + 11 <= query.Length; i++)
        {
            // An OPT record: root name (0), TYPE 41, CLASS = UDP size, TTL = extended RCODE, version, DO + Z.
            if (query[end] == 0 && BinaryPrimitives.ReadUInt16BigEndian(query.AsSpan(end + 1)) == 41)
            {
                return (query[end + 7] & 0x80) != 0;
            }

            end += 11 + BinaryPrimitives.ReadUInt16BigEndian(query.AsSpan(end + 9));
        }

        return false;
    }

    private static int QuestionEnd(byte[] message)
    {
        var i = 12;
        while (message[i] != 0)
        {
            i += message[i] + 1;
        }

        return i + 5;
    }

    /// <summary>A response with the question echoed and one TLSA 3 1 1 answer; flags QR, RD, RA and AD as asked.</summary>
    private static byte[] Answer(byte[] query, bool adBit)
    {
        var questionEnd = QuestionEnd(query);
        var answer = new List<byte>(query[..questionEnd]);
        answer[2] = 0x81; // QR, RD
        answer[3] = (byte)(0x80 | (adBit ? 0x20 : 0)); // RA, AD
        answer[6] = 0;
        answer[7] = 1; // ANCOUNT
        answer[8] = answer[9] = answer[10] = answer[11] = 0; // NSCOUNT, ARCOUNT
        answer.AddRange([0xC0, 0x0C, 0, 52, 0, 1, 0, 0, 0x0E, 0x10, 0, 35, 3, 1, 1]);
        answer.AddRange(System.Security.Cryptography.SHA256.HashData("key"u8));
        return [.. answer];
    }
}
