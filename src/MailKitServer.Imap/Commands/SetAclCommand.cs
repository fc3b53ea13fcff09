using MailKitServer.Imap.Acl;
using MailKitServer.Imap.Parsing;
using MailKitServer.Imap.Responses;
using MailKitServer.Imap.Session;
using MailKitServer.Storage.Acl;

namespace MailKitServer.Imap.Commands;

/// <summary>
/// SETACL mailbox identifier [+|-]rights and DELETEACL mailbox identifier (RFC 4314 §3.1, §3.2): change one entry of a
/// mailbox's list; the user needs "a" on it.
/// </summary>
/// <param name="delete">Whether this is DELETEACL.</param>
internal sealed class SetAclCommand(bool delete) : ImapCommand(delete ? "DELETEACL" : "SETACL", CommandStates.LoggedIn)
{
    public override async ValueTask<bool> ExecuteAsync(ImapSession session, ImapRequest request)
    {
        var args = request.Arguments;
        if (args.Count != (delete ? 2 : 3) || args[0].Kind == ImapTokenKind.List || (!delete && args[2].Kind == ImapTokenKind.List))
        {
            return await session.BadAsync(request.Tag, delete ? "Syntax: DELETEACL mailbox identifier" : "Syntax: SETACL mailbox identifier rights").ConfigureAwait(false);
        }

        if (AclTarget.Identifier(args[1]) is not { } identifier)
        {
            // RFC 4314 §3: an identifier that cannot be prepared is refused with BAD.
            return await session.BadAsync(request.Tag, "Invalid identifier").ConfigureAwait(false);
        }

        var text = delete ? string.Empty : args[2].Text;
        var mode = text.Length > 0 && text[0] is '+' or '-' ? text[0] : '=';
        var rights = MailboxRights.None;
        if (!delete && !MailboxRightsText.TryParse(mode == '=' ? text : text[1..], out rights))
        {
            // RFC 4314 §3.1: an unknown right (or an upper-case one) is a BAD, never ignored.
            return await session.BadAsync(request.Tag, "Unknown right").ConfigureAwait(false);
        }

        var (target, refusal) = await AclTarget.FindAdministeredAsync(session, args[0]).ConfigureAwait(false);
        if (target is null)
        {
            return session.No(request.Tag, refusal!);
        }

        var acl = MailboxAccess.Of(session)!.Acl;
        MailboxRights? value = null;
        if (!delete)
        {
            var current = (await acl.GetAclAsync(target.OwnerId, target.LocalName, session.Aborted).ConfigureAwait(false) ?? [])
                .FirstOrDefault(e => e.Identifier.Equals(identifier, StringComparison.OrdinalIgnoreCase))?.Rights ?? MailboxRights.None;
            value = mode switch
            {
                '+' => current | rights,
                '-' => current & ~rights,
                _ => rights,
            };
        }

        var result = await acl.SetAclAsync(target.OwnerId, target.LocalName, identifier, value, session.Aborted).ConfigureAwait(false);
        return result.Succeeded
            ? session.Ok(request.Tag, $"{Name} completed")
            : session.No(request.Tag, StoreErrors.Text(result.Status, result.Message));
    }
}
