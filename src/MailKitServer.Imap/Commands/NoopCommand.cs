using MailKitServer.Imap.Session;

namespace MailKitServer.Imap.Commands;

/// <summary>NOOP (RFC 9051 §6.1.2) and CHECK (RFC 3501 §6.4.1, selected state only): both just report mailbox updates.</summary>
/// <param name="name">NOOP or CHECK.</param>
/// <param name="states">Where the command is valid.</param>
internal sealed class NoopCommand(string name, CommandStates states) : ImapCommand(name, states)
{
    public override ValueTask<bool> ExecuteAsync(ImapSession session, ImapRequest request) =>
        ValueTask.FromResult(session.Ok(request.Tag, $"{Name} completed"));
}
