using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace MailKitServer.Testing.Faults;

/// <summary>
/// The sandbox's faults over HTTP (<c>/api/v1/faults</c>), for tests in any language: list, arm (refuse, delay, drop,
/// greylist, and Mailpit-style chaos with a probability per stage), disarm all.
/// </summary>
internal static class FaultEndpoints
{
    private static readonly TimeSpan MaxDelay = TimeSpan.FromMinutes(10);

    public static void Map(RouteGroupBuilder api, FaultInjector faults)
    {
        var group = api.MapGroup("/faults").WithTags("Faults");
        group.MapGet("/", () => TypedResults.Ok(faults.Armed.Select(FaultView.Of).ToList())).WithSummary("The faults armed so far, fired ones included.");

        group.MapPost("/", Results<Ok<FaultView>, NoContent, ProblemHttpResult> (FaultRequest request) =>
        {
            if (!Enum.TryParse<SmtpStage>(request.Stage, ignoreCase: true, out var stage) && request.Kind is not "greylist" and not "drop-after-storing")
            {
                return TypedResults.Problem($"stage must be one of {string.Join(", ", Enum.GetNames<SmtpStage>())}", statusCode: StatusCodes.Status400BadRequest);
            }

            var times = request.Times ?? 1;
            if (times is 0 or < -1)
            {
                return TypedResults.Problem("times must be 1 or more, or -1 for always", statusCode: StatusCodes.Status400BadRequest);
            }

            try
            {
                return request.Kind switch
                {
                    "refuse" when request.Probability is { } p => TypedResults.Ok(FaultView.Of(faults.Chaos(stage, p, request.Code ?? 451, request.Text ?? "4.3.0 Injected fault"))),
                    "refuse" => TypedResults.Ok(FaultView.Of(faults.Refuse(stage, request.Code ?? 451, request.Text ?? "4.3.0 Injected fault", times, request.Recipient))),
                    "delay" when request.DelayMilliseconds is > 0 and var ms && TimeSpan.FromMilliseconds(ms) <= MaxDelay =>
                        TypedResults.Ok(FaultView.Of(faults.Delay(stage, TimeSpan.FromMilliseconds(ms), times))),
                    "drop" => TypedResults.Ok(FaultView.Of(faults.Drop(stage, times))),
                    "drop-after-storing" => TypedResults.Ok(FaultView.Of(faults.DropAfterStoring(times))),
                    "greylist" => Greylist(faults),
                    _ => TypedResults.Problem("kind must be refuse, delay (with delayMilliseconds up to 600000), drop, drop-after-storing or greylist", statusCode: StatusCodes.Status400BadRequest),
                };
            }
            catch (ArgumentException ex)
            {
                return TypedResults.Problem(ex.Message, statusCode: StatusCodes.Status400BadRequest);
            }
        }).WithSummary("Arms a fault: kind refuse (code, text, recipient; probability makes it a chaos trigger), delay, drop, drop-after-storing or greylist.");

        group.MapDelete("/", () =>
        {
            faults.Clear();
            return TypedResults.NoContent();
        }).WithSummary("Disarms every fault and greylisting.");
    }

    private static NoContent Greylist(FaultInjector faults)
    {
        faults.Greylist();
        return TypedResults.NoContent();
    }
}
