using MailKitServer.Smtp.Outbound;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace MailKitServer.Web.Api;

/// <summary>The outbound queue: list, retry now, delete.</summary>
internal static class QueueEndpoints
{
    public static void Map(RouteGroupBuilder api, MailCatalog catalog)
    {
        var queue = api.MapGroup("/queue").WithTags("Queue");

        queue.MapGet("/", Results<Ok<List<QueueEntry>>, ProblemHttpResult> () =>
            Queue(catalog) is { } q
                ? TypedResults.Ok(q.List().Select(QueueEntry.Of).ToList())
                : NoQueue()).WithSummary("The messages waiting in the outbound queue.");

        queue.MapPost("/{id}/retry", Results<NoContent, NotFound, ProblemHttpResult> (string id) =>
            Queue(catalog) is not { } q ? NoQueue() : q.RetryNow(id) ? TypedResults.NoContent() : TypedResults.NotFound()).WithSummary("Tries a queued message now.");

        queue.MapDelete("/{id}", async Task<Results<NoContent, NotFound, ProblemHttpResult>> (string id, CancellationToken ct) =>
            Queue(catalog) is not { } q ? NoQueue() : await q.DeleteAsync(id, ct) ? TypedResults.NoContent() : TypedResults.NotFound()).WithSummary("Deletes a queued message without a bounce.");
    }

    internal static OutboundQueue? Queue(MailCatalog catalog) => catalog.Server.Context.OutboundQueue as OutboundQueue;

    internal static ProblemHttpResult NoQueue() =>
        TypedResults.Problem("This server has no outbound queue.", statusCode: StatusCodes.Status404NotFound);
}
