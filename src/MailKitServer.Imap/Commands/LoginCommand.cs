using MailKitServer.Imap.Parsing;
using MailKitServer.Imap.Session;
using MailKitServer.Sasl;

namespace MailKitServer.Imap.Commands;

/// <summary>LOGIN (RFC 9051 §6.2.3).</summary>
internal sealed class LoginCommand() : ImapCommand("LOGIN", CommandStates.NotAuthenticated)
{
    public override async ValueTask<bool> ExecuteAsync(ImapSession session, ImapRequest request)
    {
        var args = request.Arguments;
        if (args.Count != 2 || args.Any(a => a.Kind == ImapTokenKind.List))
        {
            return await session.BadAsync(request.Tag, "Syntax: LOGIN user password").ConfigureAwait(false);
        }

        if (!SaslMechanisms.AllowsPlainText(session.Connection))
        {
            // RFC 3501 §6.2.3 / LOGINDISABLED.
            return session.No(request.Tag, "[PRIVACYREQUIRED] Plaintext authentication disallowed on non-secure connections");
        }

        // The check waits for its turn in the server's throttle (per account and per address).
        var user = args[0].Text;
        var directory = session.Context.AuthThrottle.Guard(session.Context.Directory, session.Connection.RemoteEndPoint.Address);
        var result = await directory.AuthenticateAsync(user, args[1].Text, session.Aborted).ConfigureAwait(false);
        if (result.IsTemporaryFailure)
        {
            return session.No(request.Tag, "[UNAVAILABLE] Authentication temporarily unavailable");
        }

        return result.Succeeded
            ? await LoginOutcome.SucceededAsync(session, request.Tag, user, result.UserId!).ConfigureAwait(false)
            : LoginOutcome.Failed(session, request.Tag, user);
    }
}
