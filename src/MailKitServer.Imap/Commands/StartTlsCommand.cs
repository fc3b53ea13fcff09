using MailKitServer.Imap.Session;

namespace MailKitServer.Imap.Commands;

/// <summary>STARTTLS (RFC 9051 §6.2.1); bytes pipelined after it are discarded by the connection.</summary>
internal sealed class StartTlsCommand() : ImapCommand("STARTTLS", CommandStates.NotAuthenticated)
{
    public override async ValueTask<bool> ExecuteAsync(ImapSession session, ImapRequest request)
    {
        if (!session.Options.EnableStartTls)
        {
            return await session.BadAsync(request.Tag, "Command not valid in this state").ConfigureAwait(false);
        }

        if (session.Connection.IsSecure)
        {
            return await session.BadAsync(request.Tag, "TLS already active").ConfigureAwait(false);
        }

        session.Ok(request.Tag, "Begin TLS negotiation now");
        return await session.Connection.UpgradeToTlsAsync().ConfigureAwait(false);
    }
}
