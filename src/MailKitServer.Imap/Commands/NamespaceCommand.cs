using MailKitServer.Imap.Session;

namespace MailKitServer.Imap.Commands;

/// <summary>NAMESPACE (RFC 2342, RFC 9051 §6.3.10): one personal namespace with "/" as separator.</summary>
internal sealed class NamespaceCommand() : ImapCommand("NAMESPACE", CommandStates.LoggedIn)
{
    public override ValueTask<bool> ExecuteAsync(ImapSession session, ImapRequest request)
    {
        session.Connection.Write("* NAMESPACE ((\"\" \"/\")) NIL NIL\r\n"u8);
        return ValueTask.FromResult(session.Ok(request.Tag, "NAMESPACE completed"));
    }
}
