using MailKitServer.Imap.Acl;
using MailKitServer.Imap.Parsing;
using MailKitServer.Imap.Responses;
using MailKitServer.Imap.Session;

namespace MailKitServer.Imap.Commands;

/// <summary>RENAME (RFC 9051 §6.3.6).</summary>
internal sealed class RenameCommand() : ImapCommand("RENAME", CommandStates.LoggedIn)
{
    public override async ValueTask<bool> ExecuteAsync(ImapSession session, ImapRequest request)
    {
        var args = request.Arguments;
        if (args.Count < 2 || !session.TryMailboxName(args[0], out var name))
        {
            return args.Count >= 2 && args[0].Kind != ImapTokenKind.List
                ? session.No(request.Tag, "[CANNOT] Invalid mailbox name")
                : await session.BadAsync(request.Tag, "Syntax: RENAME mailbox newname").ConfigureAwait(false);
        }

        if (!session.TryMailboxName(args[1], out var to))
        {
            return session.No(request.Tag, "[CANNOT] Invalid mailbox name");
        }

        // RFC 4314 §4: RENAME needs "x" on the mailbox and "k" on the new parent.
        var denied = await MailboxAccess.DenyAsync(session, name, Storage.Acl.MailboxRights.DeleteMailbox).ConfigureAwait(false)
            ?? await MailboxAccess.DenyCreateAsync(session, to).ConfigureAwait(false);
        if (denied is not null)
        {
            return session.No(request.Tag, denied);
        }

        var result = await session.Account!.RenameAsync(name, to, session.Aborted).ConfigureAwait(false);
        return result.Succeeded ? session.Ok(request.Tag, "RENAME completed") : session.No(request.Tag, StoreErrors.Text(result.Status, result.Message));
    }
}
