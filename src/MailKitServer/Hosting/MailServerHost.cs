using MailKitServer.Runtime;
using Microsoft.Extensions.Hosting;

namespace MailKitServer.Hosting;

/// <summary>The hosted service that runs the server registered with <c>AddMailKitServer</c>; resolve it to reach <see cref="Server"/>.</summary>
public sealed class MailServerHost : IHostedService, IAsyncDisposable
{
    private readonly MailServerBuilder _builder;
    private readonly IServiceProvider _services;

    /// <summary>Creates the host (DI does this).</summary>
    /// <param name="builder">The configured builder.</param>
    /// <param name="services">The container.</param>
    public MailServerHost(MailServerBuilder builder, IServiceProvider services)
    {
        _builder = builder;
        _services = services;
    }

    /// <summary>The running server, once started.</summary>
    public MailServer? Server { get; private set; }

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var server = _builder.Build(_services);
        await server.StartAsync(cancellationToken).ConfigureAwait(false);
        Server = server;
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Server?.StopAsync(cancellationToken) ?? Task.CompletedTask;

    /// <inheritdoc />
    public ValueTask DisposeAsync() => Server?.DisposeAsync() ?? ValueTask.CompletedTask;
}
