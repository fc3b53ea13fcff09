using MailKitServer.Storage;
using MailKitServer.Web.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MailKitServer.Web.Health;

/// <summary>
/// <c>GET /livez</c> (the process answers) and <c>GET /readyz</c> (the mail listeners accept connections and the store
/// answers within <see cref="StoreProbeTimeout"/>), as Kubernetes probes expect: 200 or 503 with a small JSON body.
/// Neither needs credentials and neither tells more than up or down.
/// </summary>
internal static class HealthEndpoints
{
    private static readonly TimeSpan StoreProbeTimeout = TimeSpan.FromSeconds(5);

    public static void Map(IEndpointRouteBuilder endpoints, MailCatalog catalog)
    {
        endpoints.MapGet("/livez", () => TypedResults.Ok(new HealthReport("live", null, null))).WithTags("Health").WithSummary("Liveness: the process answers.");

        endpoints.MapGet("/readyz", async (CancellationToken ct) =>
        {
            var listeners = catalog.Server.IsAccepting;
            string store;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(StoreProbeTimeout);
            try
            {
                // A status read of one account's INBOX: the store's connection (disk, database) works.
                var user = catalog.Users().FirstOrDefault();
                if (user is not null)
                {
                    await using var account = await catalog.Store.OpenAccountAsync(user, timeout.Token);
                    await account.GetStatusAsync("INBOX", timeout.Token);
                }

                store = "ok";
            }
            catch (Exception ex) when (ex is StoreUnavailableException or IOException or OperationCanceledException && !ct.IsCancellationRequested)
            {
                store = "unavailable";
            }

            var ready = listeners && store == "ok";
            return Results.Json(new HealthReport(ready ? "ready" : "not ready", listeners ? "ok" : "not accepting", store), statusCode: ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        }).WithTags("Health").WithSummary("Readiness: the mail listeners accept connections and the store answers.");
    }
}
