using System.Net;
using MailKitServer.Runtime;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MailKitServer.Web;

/// <summary>
/// A ready-made web host for a mail server: Kestrel on one endpoint with <see cref="MailWebEndpoints.MapMailKitServer"/>
/// and nothing else (what the sample host's <c>--http-port</c> starts, and what tests use). Applications that have their
/// own ASP.NET Core app call <see cref="MailWebEndpoints.MapMailKitServer"/> on it instead.
/// </summary>
public sealed class MailWebHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private MailWebHost(WebApplication app, IPEndPoint endPoint)
    {
        _app = app;
        EndPoint = endPoint;
    }

    /// <summary>The bound endpoint (with the port chosen when 0 was asked for).</summary>
    public IPEndPoint EndPoint { get; }

    /// <summary>The base address, such as <c>http://127.0.0.1:8025/</c>.</summary>
    public Uri BaseAddress => new($"http://{(EndPoint.Address.Equals(IPAddress.Any) ? IPAddress.Loopback : EndPoint.Address.Equals(IPAddress.IPv6Any) ? IPAddress.IPv6Loopback : EndPoint.Address) switch { { AddressFamily: System.Net.Sockets.AddressFamily.InterNetworkV6 } a => $"[{a}]", var a => a.ToString() }}:{EndPoint.Port}/");

    /// <summary>Starts the web host on <paramref name="endPoint"/> (port 0 takes a free port).</summary>
    /// <param name="server">The mail server to show.</param>
    /// <param name="endPoint">Where to listen (HTTP; put TLS in front for anything public).</param>
    /// <param name="options">Credentials and what to show, or <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running host; dispose it to stop.</returns>
    public static async Task<MailWebHost> StartAsync(MailServer server, IPEndPoint endPoint, MailWebOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(endPoint);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(server.Context.LoggerFactory);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(endPoint);
        });
        builder.Services.AddMailKitServerWeb();
        var app = builder.Build();
        app.MapMailKitServer(server, options);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var port = new Uri(address.Replace("[::]", "[::1]", StringComparison.Ordinal).Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal)).Port;
        return new MailWebHost(app, new IPEndPoint(endPoint.Address, port));
    }

    /// <summary>Stops the web host (the mail server keeps running).</summary>
    /// <returns>A task that completes when stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
