using MailKitServer.Imap.Session;

namespace MailKitServer.Imap.Commands;

/// <summary>
/// UNAUTHENTICATE (RFC 8437 §3): back to the not-authenticated state with everything but TLS reset (the selected
/// mailbox closed without EXPUNGE, NOTIFY and ENABLE forgotten, the account closed). Never NO: a client may pipeline
/// AUTHENTICATE after it. No SASL mechanism here negotiates a security layer, so none has to end.
/// </summary>
internal sealed class UnauthenticateCommand() : ImapCommand("UNAUTHENTICATE", CommandStates.LoggedIn)
{
    public override async ValueTask<bool> ExecuteAsync(ImapSession session, ImapRequest request)
    {
        if (request.Arguments.Count != 0)
        {
            return await session.BadAsync(request.Tag, "Syntax: UNAUTHENTICATE").ConfigureAwait(false);
        }

        await session.UnauthenticateAsync().ConfigureAwait(false);
        return session.Ok(request.Tag, "Unauthenticated");
    }
}
