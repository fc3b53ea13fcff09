using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace MailKitServer.Web.Api;

/// <summary>
/// Streams content to the response (never buffered whole for the stored message), optionally as a named download,
/// then disposes the stream and whatever held it open (the mailbox view).
/// </summary>
internal sealed class StreamResult(Stream content, string contentType, string? downloadName, IAsyncDisposable? owner) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        try
        {
            httpContext.Response.ContentType = contentType;
            if (downloadName is not null)
            {
                var disposition = new ContentDispositionHeaderValue("attachment");
                disposition.SetHttpFileName(downloadName);
                httpContext.Response.Headers.ContentDisposition = disposition.ToString();
            }

            await content.CopyToAsync(httpContext.Response.Body, httpContext.RequestAborted).ConfigureAwait(false);
        }
        finally
        {
            await content.DisposeAsync().ConfigureAwait(false);
            if (owner is not null)
            {
                await owner.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
