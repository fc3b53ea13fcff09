using System.Net;

namespace MailKitServer.Runtime;

/// <summary>A listener to open: a name, an endpoint, a TLS mode and the engine that serves it. Protocol packages create these.</summary>
/// <param name="Name">The name the host prints and tests look up (smtp, submission, smtps, pop3, pop3s, imap, imaps).</param>
/// <param name="EndPoint">The endpoint; port 0 picks a free port.</param>
/// <param name="Tls">Whether TLS starts with the connection.</param>
/// <param name="CreateHandler">Creates the protocol engine once the server's services are known.</param>
internal sealed record ListenerDefinition(string Name, IPEndPoint EndPoint, TlsMode Tls, Func<MailServerContext, IConnectionHandler> CreateHandler)
{
    /// <summary>Checks the protocol's own options at start; returns the problems found, naming each bad option.</summary>
    public Func<IEnumerable<string>>? Validate { get; init; }
}
