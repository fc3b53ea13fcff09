using System.Text;
using MailKitServer.Web.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;

namespace MailKitServer.Web.Events;

/// <summary><c>GET /api/v1/events</c>: Server-Sent Events (text/event-stream) of new, deleted and re-flagged messages.</summary>
internal static class EventEndpoints
{
    public static void Map(RouteGroupBuilder api, MailEventHub hub)
    {
        api.MapGet("/events", async (HttpContext http, CancellationToken ct) =>
        {
            http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
            http.Response.ContentType = "text/event-stream";
            http.Response.Headers.CacheControl = "no-store";
            var channel = await hub.SubscribeAsync(ct);
            try
            {
                // The first event says the stream is live: every change after it is reported.
                await WriteAsync(http.Response, new MailEvent("ready", "{}"), ct);
                await foreach (var e in channel.Reader.ReadAllAsync(ct))
                {
                    await WriteAsync(http.Response, e, ct);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
            }
            finally
            {
                hub.Unsubscribe(channel);
            }
        }).WithTags("Events").WithSummary("Server-Sent Events: ready, then message-added (a message summary), message-deleted and message-flags.");
    }

    private static async Task WriteAsync(HttpResponse response, MailEvent e, CancellationToken ct)
    {
        // JSON has no raw newlines, so each event is one data line (HTML Living Standard §9.2.6).
        await response.WriteAsync($"event: {e.Type}\ndata: {e.Json}\n\n", Encoding.UTF8, ct);
        await response.Body.FlushAsync(ct);
    }
}
