using MailKitServer.Policy;
using MailKitServer.Runtime;
using MailKitServer.Smtp.SenderAuth;
using MailKitServer.Smtp.SenderAuth.Arc;
using MailKitServer.Smtp.SenderAuth.Signing;
using Microsoft.Extensions.Logging;

namespace MailKitServer.Smtp.Session;

/// <summary>Runs an <see cref="SmtpSession"/> for each connection of an SMTP listener.</summary>
internal sealed class SmtpConnectionHandler(MailServerContext context, SmtpOptions options) : IConnectionHandler
{
    // Sender authentication is for mail arriving from other MTAs (RFC 7208 §2.5, RFC 7489 §6.6): MTA listeners only.
    // Not on LMTP (RFC 2033): its client is the MTA in front of us, which has already accepted the message. SPF would
    // judge that MTA's address instead of the border client's (RFC 7208 §2.5: check where the mail enters the ADMD),
    // DMARC without SPF would fail mail that SPF alone authenticates, and a refusal here cannot reach the sender except
    // as a bounce from the front MTA (backscatter). The front MTA is where the checks belong; its Authentication-Results
    // field passes through to the store untouched.
    private readonly SenderAuthenticator? _authenticator = options is { SenderAuthentication: { } auth, Role: SmtpRole.Mta }
        ? new SenderAuthenticator(context.Dns, auth, context.Options.ServerName, context.TimeProvider, context.Metrics, context.LoggerFactory.CreateLogger("MailKitServer.SenderAuth"))
        : null;

    private readonly OutboundDkimSigner? _signer = options.DkimSigningKeys.Count > 0 ? new OutboundDkimSigner([.. options.DkimSigningKeys]) : null;

    // RFC 8617 §5.1: what an MTA listener checked and then forwards (aliases, Sieve redirects) is sealed with ARC.
    private readonly ArcSealer? _sealer = options is { SenderAuthentication: not null, Role: SmtpRole.Mta } && options.DkimSigningKeys.Count > 0
        ? new ArcSealer([.. options.DkimSigningKeys], options.SenderAuthentication.AuthServId ?? context.Options.ServerName, context.TimeProvider)
        : null;

    // Made once for the listener: every session used to format its greeting, farewells and EHLO keywords anew.
    private readonly SmtpListenerReplies _replies = new(context.Options, options);

    public Task HandleAsync(MailConnection connection) => new SmtpSession(connection, context, options, _replies, _authenticator, _signer, _sealer).RunAsync();

    public async Task RejectAsync(MailConnection connection, ConnectionRejection reason)
    {
        // RFC 5321 §3.1: a server that cannot serve now answers 421 and closes.
        connection.Write(reason switch
        {
            ConnectionRejection.ShuttingDown => $"421 4.3.2 {context.Options.ServerName} Service shutting down\r\n",
            ConnectionRejection.TooManyFromAddress => $"421 4.7.0 {context.Options.ServerName} Too many connections from your address\r\n",
            _ => $"421 4.3.2 {context.Options.ServerName} Too many connections, try again later\r\n",
        });
        await connection.FlushAsync().ConfigureAwait(false);
    }
}
