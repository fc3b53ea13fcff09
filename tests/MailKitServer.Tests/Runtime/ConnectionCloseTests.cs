using System.Net;
using MailKitServer.Runtime;
using MailKitServer.TestSupport;

namespace MailKitServer.Tests.Runtime;

/// <summary>How an accepted connection is set up and closed: TCP_NODELAY from the listener, a graceful end after the last reply.</summary>
public sealed class ConnectionCloseTests
{
    private static Task<MailServer> StartAsync() => MailServer.CreateBuilder()
        .AddListener(new ListenerDefinition("echo", new IPEndPoint(IPAddress.Loopback, 0), TlsMode.None, _ => new EchoHandler()))
        .StartAsync();

    [Fact]
    public async Task Accepted_connections_send_without_delay()
    {
        // On Linux the accepted socket inherits TCP_NODELAY from the listener (no setsockopt per connection).
        await using var server = await StartAsync();
        await using var client = await LineClient.ConnectAsync(server.GetEndpoint("echo").EndPoint);
        Assert.Equal("HELLO", await client.ReadLineAsync());
        Assert.Equal("NODELAY True", await client.CommandAsync("NODELAY"));
    }

    [Theory]
    [InlineData("LAST")]
    [InlineData("PENDING")]
    public async Task A_session_that_ends_closes_after_its_last_reply_without_a_reset(string command)
    {
        // LAST: no read waits at the end, and close alone sends the FIN. PENDING: a read still waits, and .NET would
        // close such a socket with a reset (the client would lose the end of the stream) unless it is shut down first.
        await using var server = await StartAsync();
        await using var client = await LineClient.ConnectAsync(server.GetEndpoint("echo").EndPoint);
        Assert.Equal("HELLO", await client.ReadLineAsync());
        Assert.Equal("LAST", await client.CommandAsync(command));
        Assert.Null(await client.ReadLineAsync());
    }
}
