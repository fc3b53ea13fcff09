using MailKitServer.Imap.Parsing;
using MailKitServer.Imap.Session;

namespace MailKitServer.Imap.Commands;

/// <summary>CANCELUPDATE (RFC 5267 §4.3.5): no more ADDTO/REMOVEFROM for the contexts the quoted tags name.</summary>
internal sealed class CancelUpdateCommand() : ImapCommand("CANCELUPDATE", CommandStates.Selected)
{
    public override async ValueTask<bool> ExecuteAsync(ImapSession session, ImapRequest request)
    {
        // RFC 5267 §5: command-select =/ "CANCELUPDATE" 1*(SP quoted)
        var args = request.Arguments;
        if (args.Count == 0 || args.Any(a => a.Kind != ImapTokenKind.String || a.IsLiteral))
        {
            return await session.BadAsync(request.Tag, "Syntax: CANCELUPDATE \"tag\" ...").ConfigureAwait(false);
        }

        // A tag naming no context (never created, or cancelled already) is not an error: there is nothing to stop.
        foreach (var tag in args)
        {
            session.Selected!.Contexts.Cancel(tag.Text);
        }

        return session.Ok(request.Tag, "CANCELUPDATE completed");
    }
}
