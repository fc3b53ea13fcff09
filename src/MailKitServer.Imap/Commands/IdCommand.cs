using MailKitServer.Diagnostics;
using MailKitServer.Imap.Session;

namespace MailKitServer.Imap.Commands;

/// <summary>ID (RFC 2971): the server's identity.</summary>
internal sealed class IdCommand() : ImapCommand("ID", CommandStates.Any)
{
    public override ValueTask<bool> ExecuteAsync(ImapSession session, ImapRequest request)
    {
        // The version is the product's one version (Directory.Build.props), as the activity source carries it.
        session.Connection.Write($"* ID (\"name\" \"MailKitServer\" \"version\" \"{MailServerActivitySource.Source.Version}\")\r\n");
        return ValueTask.FromResult(session.Ok(request.Tag, "ID completed"));
    }
}
