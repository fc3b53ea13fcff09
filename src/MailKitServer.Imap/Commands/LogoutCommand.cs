using MailKitServer.Imap.Session;

namespace MailKitServer.Imap.Commands;

/// <summary>LOGOUT (RFC 9051 §6.1.3): BYE, then the tagged OK, and nothing else after the BYE.</summary>
internal sealed class LogoutCommand() : ImapCommand("LOGOUT", CommandStates.Any)
{
    public override ValueTask<bool> ExecuteAsync(ImapSession session, ImapRequest request)
    {
        session.Connection.Write("* BYE MailKitServer logging out\r\n"u8);
        session.Connection.Write($"{request.Tag} OK LOGOUT completed\r\n");
        return ValueTask.FromResult(false);
    }
}
