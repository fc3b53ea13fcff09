using System.Net;
using System.Security.Cryptography;
using System.Text;
using MailKitServer.Runtime;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace MailKitServer.Web.Security;

/// <summary>
/// Guards the API and the inbox: HTTP Basic credentials on any request that did not arrive on a loopback address
/// (and on loopback too when the options say so), a refusal of cross-site state changes (CSRF: no GET changes
/// state, and a POST or DELETE whose Origin is another site, or that the browser marks cross-site, gets 403), and the
/// response headers every page carries. Credentials are the configured user name and password, or a directory user's
/// own when <see cref="MailWebOptions.Administrators"/> names that user (checked through the server's throttle).
/// </summary>
internal sealed class WebSecurityFilter(MailWebOptions options, bool authenticate, MailServerContext? server = null) : IEndpointFilter
{
    /// <summary>The policy of responses that set none of their own (JSON, downloads): nothing may load or frame them.</summary>
    internal const string DefaultPolicy = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var response = http.Response;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers["Referrer-Policy"] = "no-referrer";
        response.Headers.CacheControl = "no-store";
        response.OnStarting(() =>
        {
            if (!response.Headers.ContainsKey(HeaderNames.ContentSecurityPolicy))
            {
                response.Headers.ContentSecurityPolicy = DefaultPolicy;
            }

            return Task.CompletedTask;
        });

        if (authenticate && NeedsCredentials(http) && !await HasCredentialsAsync(http).ConfigureAwait(false))
        {
            response.Headers.WWWAuthenticate = "Basic realm=\"MailKitServer\", charset=\"UTF-8\"";
            return Results.Problem(
                options.UserName is null && options.Administrators.Count == 0
                    ? "This server's web API is not reachable off loopback without credentials: configure a user name and password (--http-auth USER:PASSWORD) or administrators of the directory (--http-admin USER)."
                    : "Authentication required.",
                statusCode: StatusCodes.Status401Unauthorized);
        }

        if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method) && IsCrossSite(http.Request))
        {
            return Results.Problem("Cross-site requests may not change state.", statusCode: StatusCodes.Status403Forbidden);
        }

        return await next(context).ConfigureAwait(false);
    }

    private bool NeedsCredentials(HttpContext http) =>
        options.RequireAuthenticationOnLoopback || http.Connection.LocalIpAddress is not { } local || !IPAddress.IsLoopback(local);

    private async ValueTask<bool> HasCredentialsAsync(HttpContext http)
    {
        if (BasicCredentials(http.Request) is not var (user, password))
        {
            return false;
        }

        if (options.UserName is not null && options.Password is not null && Same(user, options.UserName) & Same(password, options.Password))
        {
            return true;
        }

        return await IsAdministratorAsync(http, user, password).ConfigureAwait(false);
    }

    /// <summary>The admin role: a directory user named in the options, with the right password (a throttled check).</summary>
    private async ValueTask<bool> IsAdministratorAsync(HttpContext http, string user, string password)
    {
        if (server is null || options.Administrators.Count == 0)
        {
            return false;
        }

        var address = http.Connection.RemoteIpAddress ?? IPAddress.None;
        var result = await server.AuthThrottle.Guard(server.Directory, address).AuthenticateAsync(user, password, http.RequestAborted).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            if (!result.IsTemporaryFailure)
            {
                server.AuthThrottle.RecordFailure(address, user, "http");
            }

            return false;
        }

        server.AuthThrottle.RecordSuccess(address, user, result.UserId!);
        return options.Administrators.Contains(result.UserId!, StringComparer.OrdinalIgnoreCase);
    }

    private static (string User, string Password)? BasicCredentials(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase) || header.Length > 1024)
        {
            return null;
        }

        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
        }
        catch (FormatException)
        {
            return null;
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 ? (decoded[..colon], decoded[(colon + 1)..]) : null;
    }

    /// <summary>Compares in constant time (of the hashes), so the time taken tells nothing of the secret.</summary>
    private static bool Same(string given, string expected) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));

    /// <summary>A browser's cross-site request: Sec-Fetch-Site says so, or the Origin is not this host.</summary>
    private static bool IsCrossSite(HttpRequest request)
    {
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site is "cross-site" or "same-site")
        {
            return true;
        }

        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0)
        {
            return false;
        }

        return !Uri.TryCreate(origin, UriKind.Absolute, out var uri) || !string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase);
    }
}
