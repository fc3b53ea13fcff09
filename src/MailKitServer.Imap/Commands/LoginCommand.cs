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

        var result = await session.Context.Directory.AuthenticateAsync(args[0].Text, args[1].Text, session.Aborted).ConfigureAwait(false);
        if (result.IsTemporaryFailure)
        {
            return session.No(request.Tag, "[UNAVAILABLE] Authentication temporarily unavailable");
        }

        return result.Succeeded
            ? await LoginOutcome.SucceededAsync(session, request.Tag, result.UserId!).ConfigureAwait(false)
            : await LoginOutcome.FailedAsync(session, request.Tag).ConfigureAwait(false);
    }
}
