namespace MailKitServer.Web;

/// <summary>What the web inbox and HTTP API show and who may use them.</summary>
public sealed class MailWebOptions
{
    /// <summary>
    /// The user name of HTTP Basic authentication for the API and the inbox, or <see langword="null"/> for none. Requests
    /// that arrive on a loopback address need no credentials unless <see cref="RequireAuthenticationOnLoopback"/> is set;
    /// requests on any other address are refused with 401 when no credentials are configured at all.
    /// </summary>
    public string? UserName { get; set; }

    /// <summary>The password that goes with <see cref="UserName"/>.</summary>
    public string? Password { get; set; }

    /// <summary>Whether loopback requests need the credentials too (off by default: a developer's own machine).</summary>
    public bool RequireAuthenticationOnLoopback { get; set; }

    /// <summary>
    /// The accounts (user ids of the store) whose mail is shown. <see langword="null"/> takes the users of the server's
    /// directory when it can list them (the in-memory directory); a directory that cannot list its users needs this.
    /// Called on every request, so users added later appear.
    /// </summary>
    public Func<IReadOnlyCollection<string>>? Users { get; set; }

    /// <summary>The most messages one page of a list may hold (a larger <c>limit</c> is cut to it). Default 200.</summary>
    public int MaxPageSize { get; set; } = 200;

    /// <summary>
    /// The host name mail clients are told to connect to by the autoconfiguration documents, or <see langword="null"/>
    /// for the server's <see cref="Runtime.MailServerOptions.ServerName"/>.
    /// </summary>
    public string? MailHostName { get; set; }

    /// <summary>
    /// Users of the server's directory (user ids, compared without regard to ASCII case) who may sign in to the web
    /// inbox and API with their own mail password (HTTP Basic), beside <see cref="UserName"/>: the admin role. Their
    /// password checks take turns in the server's authentication throttle like any login, and a failure is logged
    /// like one. A directory user not named here is refused even with the right password. Empty by default.
    /// </summary>
    public IReadOnlyCollection<string> Administrators { get; set; } = [];

    /// <summary>More routes under <c>/api/v1</c>, behind the same guard (the Testing package's faults).</summary>
    internal Action<Microsoft.AspNetCore.Routing.RouteGroupBuilder>? MoreApi { get; set; }
}
