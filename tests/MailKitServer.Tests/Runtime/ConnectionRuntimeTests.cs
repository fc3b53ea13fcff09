using System.Net;
using MailKitServer.Runtime;
using MailKitServer.TestSupport;

namespace MailKitServer.Tests.Runtime;

public class ConnectionRuntimeTests
{
    private static Task<MailServer> StartAsync(Action<MailServerOptions>? configure = null, TimeProvider? time = null, TlsMode tls = TlsMode.None, EchoHandler? handler = null)
    {
        var builder = MailServer.CreateBuilder()
            .AddListener(new ListenerDefinition("echo", new IPEndPoint(IPAddress.Loopback, 0), tls, _ => handler ?? new EchoHandler()));
        if (time is not null)
        {
            builder.UseTimeProvider(time);
        }

        if (configure is not null)
        {
            builder.Configure(configure);
        }

        return builder.StartAsync();
    }

    [Fact]
    public async Task Port_zero_binds_a_free_port_that_is_readable()
    {
        await using var server = await StartAsync();
        var endpoint = server.GetEndpoint("echo");
        Assert.NotEqual(0, endpoint.Port);
        await using var client = await LineClient.ConnectAsync(endpoint.EndPoint);
        Assert.Equal("HELLO", await client.ReadLineAsync());
        Assert.Equal("ECHO hi", await client.CommandAsync("hi"));
    }

    [Fact]
    public async Task Listens_on_ipv6_loopback()
    {
        await using var server = await MailServer.CreateBuilder()
            .AddListener(new ListenerDefinition("echo6", new IPEndPoint(IPAddress.IPv6Loopback, 0), TlsMode.None, _ => new EchoHandler()))
            .StartAsync();
        await using var client = await LineClient.ConnectAsync(server.GetEndpoint("echo6").EndPoint);
        Assert.Equal("HELLO", await client.ReadLineAsync());
    }

    [Fact]
    public async Task Pipelined_lines_are_answered_in_order_and_overlong_lines_keep_the_session_in_sync()
    {
        await using var server = await StartAsync();
        await using var client = await LineClient.ConnectAsync(server.GetEndpoint("echo").EndPoint);
        await client.ReadLineAsync();
        await client.SendAsync("one\r\n" + new string('x', 5000) + "\r\ntwo\r\n");
        Assert.Equal("ECHO one", await client.ReadLineAsync());
        Assert.Equal("TOOLONG", await client.ReadLineAsync());
        Assert.Equal("ECHO two", await client.ReadLineAsync());
    }

    [Fact]
    public async Task Starttls_discards_bytes_pipelined_after_the_command()
    {
        await using var server = await StartAsync();
        await using var client = await LineClient.ConnectAsync(server.GetEndpoint("echo").EndPoint);
        await client.ReadLineAsync();

        // The injection attack: plaintext commands sent with STARTTLS must never run inside the TLS session.
        await client.SendAsync("STARTTLS\r\nINJECTED\r\n");
        Assert.Equal("GO", await client.ReadLineAsync());
        await client.StartTlsAsync();
        Assert.Equal("SECURE discarded=10", await client.ReadLineAsync());
        Assert.Equal("ECHO after", await client.CommandAsync("after"));
    }

    [Fact]
    public async Task Implicit_tls_listener_speaks_tls_from_the_first_byte_and_a_failed_handshake_does_not_stop_it()
    {
        await using var server = await StartAsync(tls: TlsMode.Implicit);
        var endpoint = server.GetEndpoint("echo").EndPoint;
        await using (var bad = await LineClient.ConnectAsync(endpoint))
        {
            await bad.SendAsync("this is not a TLS client hello\r\n");
            Assert.True(await bad.IsClosedAsync());
        }

        await using var client = await LineClient.ConnectAsync(endpoint);
        await client.StartTlsAsync();
        Assert.Equal("HELLO", await client.ReadLineAsync());
    }

    [Fact]
    public async Task Connections_over_the_per_address_limit_are_rejected_and_others_still_served()
    {
        await using var server = await StartAsync(o => o.MaxConnectionsPerAddress = 2);
        var endpoint = server.GetEndpoint("echo").EndPoint;
        await using var a = await LineClient.ConnectAsync(endpoint);
        await using var b = await LineClient.ConnectAsync(endpoint);
        Assert.Equal("HELLO", await a.ReadLineAsync());
        Assert.Equal("HELLO", await b.ReadLineAsync());
        await using (var c = await LineClient.ConnectAsync(endpoint))
        {
            Assert.Equal("REJECT TooManyFromAddress", await c.ReadLineAsync());
            Assert.True(await c.IsClosedAsync());
        }

        await a.DisposeAsync();
        await ConnectionEvents.WaitForConnectionsAsync(server, atMost: 1);
        await using var d = await LineClient.ConnectAsync(endpoint);
        Assert.Equal("HELLO", await d.ReadLineAsync());
    }

    [Fact]
    public async Task Connections_over_the_global_limit_are_rejected()
    {
        await using var server = await StartAsync(o => o.MaxConnections = 1);
        var endpoint = server.GetEndpoint("echo").EndPoint;
        await using var a = await LineClient.ConnectAsync(endpoint);
        Assert.Equal("HELLO", await a.ReadLineAsync());
        await using var b = await LineClient.ConnectAsync(endpoint);
        Assert.Equal("REJECT TooManyConnections", await b.ReadLineAsync());
    }

    [Fact]
    public async Task Idle_timeout_runs_on_the_time_provider()
    {
        var time = new ManualTimeProvider();
        await using var server = await StartAsync(o => o.IdleTimeout = TimeSpan.FromMinutes(5), time);
        await using var client = await LineClient.ConnectAsync(server.GetEndpoint("echo").EndPoint);
        Assert.Equal("HELLO", await client.ReadLineAsync());
        // The session waits in its read, which armed a five-minute timer (a flush the socket takes at once arms none).
        await time.WaitForArmedAsync(FiveMinutes);

        time.Advance(TimeSpan.FromMinutes(4));
        Assert.Equal("ECHO still here", await client.CommandAsync("still here"));

        // The next read armed its timer afresh (the old one had one minute left).
        await time.WaitForArmedAsync(FiveMinutes);
        time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        Assert.Equal("TIMEOUT", await client.ReadLineAsync());
        Assert.True(await client.IsClosedAsync());
    }

    [Fact]
    public async Task A_flush_the_client_never_takes_times_out_on_the_time_provider()
    {
        var time = new ManualTimeProvider();
        var handler = new EchoHandler();
        await using var server = await StartAsync(o => o.IdleTimeout = TimeSpan.FromMinutes(5), time, handler: handler);
        await using var client = await LineClient.ConnectAsync(server.GetEndpoint("echo").EndPoint);
        Assert.Equal("HELLO", await client.ReadLineAsync());
        await time.WaitForArmedAsync(FiveMinutes);

        // The client asks for more than the socket buffers hold and reads nothing: the flush that waits for it arms
        // a timer of its own (the first timer, the read's, is not armed again: no read starts while the server writes).
        await client.SendAsync("FLOOD\r\n");
        await time.WaitForArmedAsync(FiveMinutes, fresh: true);
        Assert.False(handler.FloodEnded.IsCompleted);

        time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        await handler.FloodEnded.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(await client.IsClosedAsync());
    }

    [Fact]
    public async Task Shutdown_says_goodbye_to_idle_sessions_and_aborts_busy_ones_at_the_deadline()
    {
        var time = new ManualTimeProvider();
        var server = await StartAsync(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30), time);
        var endpoint = server.GetEndpoint("echo").EndPoint;
        await using var idle = await LineClient.ConnectAsync(endpoint);
        await using var busy = await LineClient.ConnectAsync(endpoint);
        Assert.Equal("HELLO", await idle.ReadLineAsync());
        Assert.Equal("HELLO", await busy.ReadLineAsync());
        Assert.Equal("WORKING", await busy.CommandAsync("BUSY"));

        var stop = server.StopAsync();
        Assert.Equal("BYE", await idle.ReadLineAsync());

        // The server waits for the busy session on the shutdown deadline's timer.
        await time.WaitForArmedAsync(left => left == TimeSpan.FromSeconds(30));
        Assert.False(stop.IsCompleted, "the busy session holds the shutdown until the deadline");

        // No new connections once stopping.
        await Assert.ThrowsAnyAsync<System.Net.Sockets.SocketException>(async () =>
        {
            await using var late = await LineClient.ConnectAsync(endpoint);
        });

        time.Advance(TimeSpan.FromSeconds(31));
        await stop.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(await busy.IsClosedAsync());
        Assert.Equal(0, server.ActiveConnections);
        await server.DisposeAsync();
    }

    [Fact]
    public async Task Invalid_options_stop_the_start_naming_the_option()
    {
        var ex = await Assert.ThrowsAsync<MailServerOptionsException>(() => StartAsync(o => o.MaxConnections = 0));
        Assert.Contains("MailServerOptions.MaxConnections", ex.Message, StringComparison.Ordinal);
        var none = Assert.Throws<MailServerOptionsException>(() => MailServer.CreateBuilder().Build());
        Assert.Contains("No listener", none.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Binding_a_port_in_use_fails_with_a_clear_error()
    {
        await using var first = await StartAsync();
        var port = first.GetEndpoint("echo").Port;
        var ex = await Assert.ThrowsAsync<IOException>(() => MailServer.CreateBuilder()
            .AddListener(new ListenerDefinition("echo", new IPEndPoint(IPAddress.Loopback, port), TlsMode.None, _ => new EchoHandler()))
            .StartAsync());
        Assert.Contains("Cannot listen for echo", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Client_that_resets_mid_line_leaves_the_listener_serving()
    {
        await using var server = await StartAsync();
        var endpoint = server.GetEndpoint("echo").EndPoint;
        using (var raw = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp))
        {
            await raw.ConnectAsync(endpoint);
            await raw.SendAsync("half a li"u8.ToArray());
            raw.LingerState = new System.Net.Sockets.LingerOption(true, 0);
            raw.Close();
        }

        await ConnectionEvents.WaitForConnectionsAsync(server);
        await using var client = await LineClient.ConnectAsync(endpoint);
        Assert.Equal("HELLO", await client.ReadLineAsync());
    }

    private static bool FiveMinutes(TimeSpan due) => due == TimeSpan.FromMinutes(5);
}
