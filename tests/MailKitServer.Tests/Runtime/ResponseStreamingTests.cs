using System.Net;
using System.Net.Sockets;
using MailKitServer.Runtime;

namespace MailKitServer.Tests.Runtime;

/// <summary>
/// A command that answers for many messages sends its responses as they are made, in pieces of
/// <see cref="MailConnection.ResponseChunk"/> octets, instead of gathering all of them in the connection's output
/// until it ends (issue 24: a FETCH 1:* ENVELOPE of 20,000 messages held 8 MB and the client waited for all of it).
/// </summary>
public sealed class ResponseStreamingTests
{
    [Fact]
    public async Task A_long_response_reaches_the_client_before_the_command_ends()
    {
        var handler = new StreamingHandler();
        await using var server = await MailServer.CreateBuilder()
            .AddListener(new ListenerDefinition("stream", new IPEndPoint(IPAddress.Loopback, 0), TlsMode.None, _ => handler))
            .StartAsync();
        using var client = new TcpClient();
        await client.ConnectAsync(server.GetEndpoint("stream").EndPoint);
        var stream = client.GetStream();
        var buffer = new byte[64 * 1024];
        var total = StreamingHandler.Pieces * StreamingHandler.PieceSize;

        // Everything but the last, partly filled chunk must come while the handler still waits for the release.
        var expected = total / MailConnection.ResponseChunk * MailConnection.ResponseChunk;
        var received = 0;
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            while (received < expected)
            {
                var n = await stream.ReadAsync(buffer, timeout.Token);
                Assert.True(n > 0, "the server closed the connection");
                received += n;
            }
        }

        Assert.Equal(expected, received);
        handler.Release();
        using var end = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (received < total + 5)
        {
            var n = await stream.ReadAsync(buffer, end.Token);
            Assert.True(n > 0, "the server closed the connection early");
            received += n;
        }

        Assert.Equal(total + 5, received);
    }
}
