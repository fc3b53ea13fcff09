using MailKitServer.Addresses;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using MimeKit;

namespace MailKitServer.Web.Api;

/// <summary>Sending over the API: compose a message, or release (relay) a stored one to other addresses.</summary>
internal static class SendEndpoints
{
    private const int MaxRecipients = 100;

    public static void Map(RouteGroupBuilder api, MailCatalog catalog)
    {
        var submitter = new Submitter(catalog);

        api.MapPost("/send", async Task<Results<Ok<SubmitResult>, ProblemHttpResult>> (SendRequest body, CancellationToken ct) =>
        {
            var recipients = body.To.Concat(body.Cc ?? []).ToList();
            if (recipients.Count is 0 or > MaxRecipients || !MailAddress.TryParse(body.From, allowUtf8: true, out var from))
            {
                return TypedResults.Problem($"from must be an address and to/cc hold 1 to {MaxRecipients} recipients", statusCode: StatusCodes.Status400BadRequest);
            }

            using var message = new MimeMessage();
            message.From.Add(MailboxAddress.Parse(body.From));
            message.To.AddRange(body.To.Select(MailboxAddress.Parse));
            message.Cc.AddRange((body.Cc ?? []).Select(MailboxAddress.Parse));
            message.Subject = body.Subject ?? string.Empty;
            message.Date = catalog.Server.Context.TimeProvider.GetUtcNow();
            message.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId(catalog.Server.Context.Options.ServerName);
            message.Body = new BodyBuilder { TextBody = body.Text ?? (body.Html is null ? string.Empty : null), HtmlBody = body.Html }.ToMessageBody();
            using var content = new MemoryStream();
            await message.WriteToAsync(FormatOptions.Default, content, ct);
            content.Position = 0;
            return TypedResults.Ok(await submitter.SubmitAsync(from.Address, recipients, content, ct));
        }).WithTags("Send").WithSummary("Composes a message and submits it: local recipients to their mailboxes, others through the outbound queue.");

        api.MapPost("/messages/{id}/release", async Task<Results<Ok<SubmitResult>, NotFound, ProblemHttpResult>> (string id, ReleaseRequest body, CancellationToken ct) =>
        {
            if (body.To.Count is 0 or > MaxRecipients || (body.From is not null && body.From.Length > 0 && !MailAddress.TryParse(body.From, allowUtf8: true, out _)))
            {
                return TypedResults.Problem($"to must hold 1 to {MaxRecipients} addresses", statusCode: StatusCodes.Status400BadRequest);
            }

            await using var message = await MessageEndpoints.OpenAsync(catalog, id, ct);
            if (message is null)
            {
                return TypedResults.NotFound();
            }

            await using var content = await message.OpenContentAsync(ct);
            return TypedResults.Ok(await submitter.SubmitAsync(body.From ?? string.Empty, body.To, content, ct));
        }).WithTags("Messages").WithSummary("Relays a stored message to other addresses (Mailpit's release), with the null sender unless from is given.");
    }
}
