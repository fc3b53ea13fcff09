using MailKitServer.Imap.Session;

namespace MailKitServer.Imap.Commands;

/// <summary>ID (RFC 2971): the server's identity.</summary>
internal sealed class IdCommand() : ImapCommand("ID", CommandStates.Any)
{
    public override ValueTask<bool> ExecuteAsync(ImapSession session, ImapRequest request)
    {
        session.Connection.Write("* ID (\"name\" \"MailKitServer\" \"version\" \"0.1.0\")\r\n"u8);
        return ValueTask.FromResult(session.Ok(request.Tag, "ID completed"));
    }
}
