using MailKitServer.Imap.Parsing;
using MailKitServer.Imap.Session;
using MailKitServer.Sasl;

namespace MailKitServer.Imap.Commands;

/// <summary>AUTHENTICATE (RFC 9051 §6.2.2), with SASL-IR (RFC 4959).</summary>
internal sealed class AuthenticateCommand() : ImapCommand("AUTHENTICATE", CommandStates.NotAuthenticated)
{
    public override async ValueTask<bool> ExecuteAsync(ImapSession session, ImapRequest request)
    {
        var args = request.Arguments;
        var tag = request.Tag;
        if (args.Count is < 1 or > 2 || args[0].Kind != ImapTokenKind.Atom)
        {
            return await session.BadAsync(tag, "Syntax: AUTHENTICATE mechanism [initial-response]").ConfigureAwait(false);
        }

        var mechanism = SaslMechanisms.Create(args[0].Text, session.Connection);
        if (mechanism is null)
        {
            return session.No(tag, "[CANNOT] Unsupported authentication mechanism");
        }

        if (mechanism.SendsPasswordInClear && !SaslMechanisms.AllowsPlainText(session.Connection))
        {
            return session.No(tag, "[PRIVACYREQUIRED] Plaintext authentication disallowed on non-secure connections");
        }

        byte[]? response = null;
        if (args.Count == 2 && !SaslMechanisms.TryDecodeResponse(args[1].Text, out response))
        {
            return await session.BadAsync(tag, "Invalid base64 data").ConfigureAwait(false);
        }

        while (true)
        {
            var step = await mechanism.StepAsync(response, session.Aborted).ConfigureAwait(false);
            switch (step.Kind)
            {
                case SaslStepKind.Challenge:
                    var (status, data) = await SaslConversation.ChallengeAsync(session.Connection, "+ ", step.Challenge!, session.Options.MaxLineLength).ConfigureAwait(false);
                    switch (status)
                    {
                        case SaslResponseStatus.ConnectionLost:
                            return false;
                        case SaslResponseStatus.TooLong or SaslResponseStatus.Cancelled:
                            // RFC 3501 §6.2.2: "*" cancels with BAD.
                            return await session.BadAsync(tag, "Authentication cancelled").ConfigureAwait(false);
                        case SaslResponseStatus.Invalid:
                            return await session.BadAsync(tag, "Invalid base64 data").ConfigureAwait(false);
                    }

                    response = data;
                    continue;
                case SaslStepKind.Success:
                    return await LoginOutcome.SucceededAsync(session, tag, mechanism.UserName ?? step.UserId!, step.UserId!).ConfigureAwait(false);
                case SaslStepKind.TemporaryFailure:
                    return session.No(tag, "[UNAVAILABLE] Authentication temporarily unavailable");
                case SaslStepKind.Malformed:
                    return await session.BadAsync(tag, "Invalid authentication data").ConfigureAwait(false);
                default:
                    return LoginOutcome.Failed(session, tag, mechanism.UserName);
            }
        }
    }
}
