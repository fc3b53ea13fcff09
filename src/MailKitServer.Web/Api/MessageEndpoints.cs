using System.Net.Mime;
using MailKitServer.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;
using MimeKit;

namespace MailKitServer.Web.Api;

/// <summary>The message routes of the API: list and search, one message, its raw source, HTML and parts, flags, delete and purge.</summary>
internal static class MessageEndpoints
{
    public static void Map(RouteGroupBuilder api, MailCatalog catalog, MailWebOptions options)
    {
        var messages = api.MapGroup("/messages").WithTags("Messages");

        messages.MapGet("/", (string? user, string? mailbox, string? query, int? start, int? limit, CancellationToken ct) => ListAsync(catalog, options, user, mailbox, query, start, limit, ct))
            .WithSummary("Lists messages newest first, of one user (user), one mailbox (mailbox) or all mail, with a search (query) and paging (start, limit).");

        messages.MapGet("/{id}", (string id, CancellationToken ct) => DetailAsync(catalog, id, ct))
            .WithSummary("One message: summary, every header, the text body, whether it has HTML, and its MIME parts.");

        messages.MapGet("/{id}/raw", async Task<IResult> (string id, bool? download, CancellationToken ct) =>
        {
            var message = await OpenAsync(catalog, id, ct);
            if (message is null)
            {
                return TypedResults.NotFound();
            }

            var content = await message.OpenContentAsync(ct);
            return new StreamResult(content, download == true ? "message/rfc822" : "text/plain; charset=utf-8", download == true ? $"message-{message.Info.Uid}.eml" : null, message);
        }).WithSummary("The message as stored (the .eml source); download=true names it as a file.");

        messages.MapGet("/{id}/html", (string id, bool? remote, HttpContext http, CancellationToken ct) => HtmlAsync(catalog, id, remote, http, ct))
            .WithSummary("The HTML body for a sandboxed frame: no scripts, no remote content unless remote=true.");

        messages.MapGet("/{id}/parts/{index:int}", (string id, int index, CancellationToken ct) =>
            PartAsync(catalog, id, leaves => index >= 0 && index < leaves.Count ? index : -1, inline: false, ct))
            .WithSummary("One MIME part, decoded, as an attachment download with a safe file name.");

        messages.MapGet("/{id}/cid/{contentId}", (string id, string contentId, CancellationToken ct) =>
            PartAsync(catalog, id, leaves => leaves.FindIndex(p => string.Equals(PartFiles.ContentId(p), contentId, StringComparison.Ordinal)), inline: true, ct))
            .WithSummary("The part a cid: URL of the HTML body names (inline images).");

        messages.MapPost("/{id}/read", (string id, CancellationToken ct) => SetSeenAsync(catalog, id, true, ct)).WithSummary("Marks a message read (\\Seen).");
        messages.MapPost("/{id}/unread", (string id, CancellationToken ct) => SetSeenAsync(catalog, id, false, ct)).WithSummary("Marks a message unread.");

        messages.MapDelete("/{id}", async Task<Results<NoContent, NotFound>> (string id, CancellationToken ct) =>
        {
            await using var message = await OpenAsync(catalog, id, ct, readOnly: false);
            if (message is null)
            {
                return TypedResults.NotFound();
            }

            await message.View.RemoveAsync(UidSet.FromUids([message.Info.Uid]), ct);
            return TypedResults.NoContent();
        }).WithSummary("Deletes one message.");

        messages.MapDelete("/", (string? user, string? mailbox, CancellationToken ct) => PurgeAsync(catalog, user, mailbox, ct))
            .WithSummary("Deletes every message of one mailbox, one user, or all mail.");
    }

    private static async Task<Results<Ok<MessagePage>, ProblemHttpResult>> ListAsync(MailCatalog catalog, MailWebOptions options, string? user, string? mailbox, string? query, int? start, int? limit, CancellationToken ct)
    {
        if (!MessageQuery.TryParse(query, out var parsed, out var error))
        {
            return TypedResults.Problem(error, statusCode: StatusCodes.Status400BadRequest);
        }

        if (start is < 0 || limit is < 1)
        {
            return TypedResults.Problem("start must be 0 or more and limit 1 or more", statusCode: StatusCodes.Status400BadRequest);
        }

        var page = await catalog.ListAsync(user, mailbox, parsed, start ?? 0, Math.Min(limit ?? 50, options.MaxPageSize), ct);
        return TypedResults.Ok(page);
    }

    private static async Task<Results<Ok<MessageDetail>, NotFound>> DetailAsync(MailCatalog catalog, string id, CancellationToken ct)
    {
        await using var message = await OpenAsync(catalog, id, ct);
        if (message is null)
        {
            return TypedResults.NotFound();
        }

        using var mime = await message.LoadAsync(ct);
        var leaves = PartFiles.Leaves(mime);
        var parts = new List<PartInfo>(leaves.Count);
        for (var i = 0; i < leaves.Count; i++)
        {
            parts.Add(PartFiles.Describe(i, leaves[i], await PartFiles.SizeAsync(leaves[i], ct)));
        }

        return TypedResults.Ok(new MessageDetail(
            Summaries.Create(message.Id, message.Info, mime.Headers),
            Summaries.Addresses(mime.Headers, HeaderId.Cc),
            Summaries.Addresses(mime.Headers, HeaderId.ReplyTo),
            mime.Headers.Select(h => new HeaderField(h.Field, h.Value.Trim())).ToList(),
            mime.TextBody,
            mime.HtmlBody is not null,
            parts));
    }

    private static async Task<IResult> HtmlAsync(MailCatalog catalog, string id, bool? remote, HttpContext http, CancellationToken ct)
    {
        await using var message = await OpenAsync(catalog, id, ct);
        if (message is null)
        {
            return TypedResults.NotFound();
        }

        using var mime = await message.LoadAsync(ct);
        if (mime.HtmlBody is not { } html)
        {
            return TypedResults.NotFound();
        }

        var origin = $"{http.Request.Scheme}://{http.Request.Host}";
        http.Response.Headers.ContentSecurityPolicy = HtmlView.Policy(origin, remote == true);
        return TypedResults.Content(HtmlView.RewriteContentIds(html, $"{origin}/api/v1/messages/{id}"), "text/html; charset=utf-8");
    }

    private static async Task<Results<Ok<PurgeResult>, ProblemHttpResult>> PurgeAsync(MailCatalog catalog, string? user, string? mailbox, CancellationToken ct)
    {
        var removed = 0;
        foreach (var u in catalog.Users().Where(u => user is null || string.Equals(u, user, StringComparison.OrdinalIgnoreCase)))
        {
            await using var account = await catalog.Store.OpenAccountAsync(u, ct);
            var names = mailbox is not null ? [mailbox] : (await account.ListAsync(ct)).Select(m => m.Name).ToList();
            foreach (var name in names)
            {
                await using var view = await account.OpenAsync(name, readOnly: false, ct);
                if (view is not null && view.Messages.Count > 0)
                {
                    removed += (await view.RemoveAsync(UidSet.FromUids(view.Messages.Select(m => m.Uid)), ct)).Expunged.Count;
                }
            }
        }

        return TypedResults.Ok(new PurgeResult(removed));
    }

    /// <summary>One leaf part of a message, the one <paramref name="pick"/> chooses from the leaves (-1: none), decoded.</summary>
    private static async Task<IResult> PartAsync(MailCatalog catalog, string id, Func<List<MimeEntity>, int> pick, bool inline, CancellationToken ct)
    {
        var message = await OpenAsync(catalog, id, ct);
        if (message is null)
        {
            return TypedResults.NotFound();
        }

        await using (message)
        {
            using var mime = await message.LoadAsync(ct);
            var leaves = PartFiles.Leaves(mime);
            var index = pick(leaves);
            return index >= 0 ? await PartResultAsync(leaves[index], index, ct, inline) : TypedResults.NotFound();
        }
    }

    internal static async Task<OpenMessage?> OpenAsync(MailCatalog catalog, string id, CancellationToken ct, bool readOnly = true) =>
        MessageId.TryParse(id, out var parsed) ? await catalog.OpenAsync(parsed, readOnly, ct) : null;

    private static async Task<IResult> SetSeenAsync(MailCatalog catalog, string id, bool seen, CancellationToken ct)
    {
        await using var message = await OpenAsync(catalog, id, ct, readOnly: false);
        if (message is null)
        {
            return TypedResults.NotFound();
        }

        await message.View.StoreFlagsAsync(UidSet.FromUids([message.Info.Uid]), new FlagChange(seen ? FlagChangeMode.Add : FlagChangeMode.Remove, SystemFlags.Seen, []), null, ct);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> PartResultAsync(MimeEntity part, int index, CancellationToken ct, bool inline = false)
    {
        var buffer = new MemoryStream();
        await PartFiles.WriteAsync(part, buffer, ct);
        buffer.Position = 0;
        var name = PartFiles.SafeFileName(part is MimePart p ? p.FileName : part.ContentType.Name) ?? $"part-{index}";
        // Only images are shown inline; anything else is a download, so an HTML or SVG attachment never runs in our origin.
        var type = inline && part.ContentType.MediaType.Equals("image", StringComparison.OrdinalIgnoreCase) && !part.ContentType.MediaSubtype.Contains("svg", StringComparison.OrdinalIgnoreCase)
            ? part.ContentType.MimeType
            : MediaTypeNames.Application.Octet;
        return new StreamResult(buffer, type, type == MediaTypeNames.Application.Octet ? name : null, null);
    }
}
