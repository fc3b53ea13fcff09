using MailKitServer.Imap.Acl;
using MailKitServer.Imap.Parsing;
using MailKitServer.Imap.Responses;
using MailKitServer.Imap.Session;

namespace MailKitServer.Imap.Commands;

/// <summary>DELETE (RFC 9051 §6.3.5); deleting the selected mailbox deselects it first.</summary>
internal sealed class DeleteCommand() : ImapCommand("DELETE", CommandStates.LoggedIn)
{
    public override async ValueTask<bool> ExecuteAsync(ImapSession session, ImapRequest request)
    {
        var args = request.Arguments;
        if (args.Count < 1 || !session.TryMailboxName(args[0], out var name))
        {
            return args.Count >= 1 && args[0].Kind != ImapTokenKind.List
                ? session.No(request.Tag, "[CANNOT] Invalid mailbox name")
                : await session.BadAsync(request.Tag, "Syntax: DELETE mailbox").ConfigureAwait(false);
        }

        // RFC 4314 §4: DELETE needs "x".
        if (await MailboxAccess.DenyAsync(session, name, Storage.Acl.MailboxRights.DeleteMailbox).ConfigureAwait(false) is { } denied)
        {
            return session.No(request.Tag, denied);
        }

        if (session.Selected?.Name == name)
        {
            await session.DeselectAsync().ConfigureAwait(false);
        }

        var result = await session.Account!.DeleteAsync(name, session.Aborted).ConfigureAwait(false);
        return result.Succeeded ? session.Ok(request.Tag, "DELETE completed") : session.No(request.Tag, StoreErrors.Text(result.Status, result.Message));
    }
}
