using MailKitServer.Runtime;
using MailKitServer.Web.Api;
using MailKitServer.Web.Autoconfig;
using MailKitServer.Web.Events;
using MailKitServer.Web.Health;
using MailKitServer.Web.Metrics;
using MailKitServer.Web.Security;
using MailKitServer.Web.Ui;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MailKitServer.Web;

/// <summary>Puts the web inbox and HTTP API of a <see cref="MailServer"/> into an ASP.NET Core application.</summary>
public static class MailWebEndpoints
{
    /// <summary>Registers what <see cref="MapMailKitServer"/> needs (the OpenAPI document generator).</summary>
    /// <param name="services">The application's services.</param>
    /// <returns>The same services.</returns>
    public static IServiceCollection AddMailKitServerWeb(this IServiceCollection services)
    {
        services.AddOpenApi("v1", o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "MailKitServer API";
            document.Info.Description = "Messages, users, the outbound queue and live events of a MailKitServer.";
            return Task.CompletedTask;
        }));
        return services;
    }

    /// <summary>
    /// Maps the inbox (<c>/</c>), the JSON API (<c>/api/v1/...</c>, Server-Sent Events at <c>/api/v1/events</c>), the
    /// OpenAPI document (<c>/openapi/v1.json</c>), <c>/metrics</c> (Prometheus text format), <c>/livez</c> and
    /// <c>/readyz</c>, and client autoconfiguration (Thunderbird autoconfig, Autodiscover POX). Call
    /// <see cref="AddMailKitServerWeb"/> on the services first. Requests that do not arrive on a loopback address need
    /// the credentials of <paramref name="options"/> for everything but the health probes and autoconfiguration; no
    /// GET changes anything, and cross-site POST or DELETE requests are refused (403). Metrics count from this call on.
    /// </summary>
    /// <param name="endpoints">The application's endpoints (a <c>WebApplication</c>).</param>
    /// <param name="server">The running (or about to run) mail server whose store, directory and queue are shown.</param>
    /// <param name="options">Credentials and what to show; <see langword="null"/> for the defaults (loopback only).</param>
    /// <returns>The same endpoints.</returns>
    public static IEndpointRouteBuilder MapMailKitServer(this IEndpointRouteBuilder endpoints, MailServer server, MailWebOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(server);
        options ??= new MailWebOptions();
        var catalog = new MailCatalog(server, options);
        var hub = new MailEventHub(catalog, server.Context.LoggerFactory.CreateLogger("MailKitServer.Web"));
        var exporter = new PrometheusExporter(server.Context.Metrics.Meter);
        var lifetime = endpoints.ServiceProvider.GetService<Microsoft.Extensions.Hosting.IHostApplicationLifetime>();
        lifetime?.ApplicationStopping.Register(() =>
        {
            exporter.Dispose();
            hub.DisposeAsync().AsTask().GetAwaiter().GetResult();
        });

        // Probes and autoconfiguration: no credentials, but the same response headers.
        var open = endpoints.MapGroup(string.Empty).AddEndpointFilter(new WebSecurityFilter(options, authenticate: false));
        HealthEndpoints.Map(open, catalog);
        AutoconfigEndpoints.Map(open, catalog, options);

        var guarded = endpoints.MapGroup(string.Empty).AddEndpointFilter(new WebSecurityFilter(options, authenticate: true, server.Context));
        UiEndpoints.Map(guarded);
        guarded.MapOpenApi("/openapi/{documentName}.json");
        guarded.MapGet("/metrics", () => Results.Text(exporter.Scrape(), "text/plain; version=0.0.4; charset=utf-8")).WithTags("Health").WithSummary("The server's metrics in the Prometheus text format.");

        var api = guarded.MapGroup("/api/v1");
        MessageEndpoints.Map(api, catalog, options);
        SendEndpoints.Map(api, catalog);
        UserEndpoints.Map(api, catalog, hub);
        QueueEndpoints.Map(api, catalog);
        EventEndpoints.Map(api, hub);
        options.MoreApi?.Invoke(api);
        return endpoints;
    }
}
