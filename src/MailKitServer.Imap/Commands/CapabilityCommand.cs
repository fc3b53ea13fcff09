using MailKitServer.Imap.Session;

namespace MailKitServer.Imap.Commands;

/// <summary>CAPABILITY (RFC 9051 §6.1.1).</summary>
internal sealed class CapabilityCommand() : ImapCommand("CAPABILITY", CommandStates.Any)
{
    public override ValueTask<bool> ExecuteAsync(ImapSession session, ImapRequest request)
    {
        session.Connection.Write($"* CAPABILITY {session.Capabilities}\r\n");
        return ValueTask.FromResult(session.Ok(request.Tag, "CAPABILITY completed"));
    }
}
