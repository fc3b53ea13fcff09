using System.Text;
using MailKitServer.Imap.Acl;
using MailKitServer.Imap.Parsing;
using MailKitServer.Imap.Responses;
using MailKitServer.Imap.Session;
using MailKitServer.Storage.Acl;

namespace MailKitServer.Imap.Commands;

/// <summary>
/// GETACL mailbox (RFC 4314 §3.3, §3.6): "* ACL mailbox identifier rights ...", the owner first with every right (the
/// owner of a personal mailbox has them whatever the list says); the user needs "a".
/// </summary>
internal sealed class GetAclCommand() : ImapCommand("GETACL", CommandStates.LoggedIn)
{
    public override async ValueTask<bool> ExecuteAsync(ImapSession session, ImapRequest request)
    {
        var args = request.Arguments;
        if (args.Count != 1 || args[0].Kind == ImapTokenKind.List)
        {
            return await session.BadAsync(request.Tag, "Syntax: GETACL mailbox").ConfigureAwait(false);
        }

        var (target, refusal) = await AclTarget.FindAdministeredAsync(session, args[0]).ConfigureAwait(false);
        if (target is null)
        {
            return session.No(request.Tag, refusal!);
        }

        var entries = await MailboxAccess.Of(session)!.Acl.GetAclAsync(target.OwnerId, target.LocalName, session.Aborted).ConfigureAwait(false) ?? [];
        var line = new StringBuilder("* ACL ").Append(session.MailboxString(target.Name));
        if (target.OwnerId is { } owner)
        {
            line.Append(' ').Append(ImapFormat.String(owner)).Append(' ').Append(MailboxRightsText.FormatForImap(MailboxRights.All));
        }

        foreach (var entry in entries.Where(e => target.OwnerId is null || !e.Identifier.Equals(target.OwnerId, StringComparison.OrdinalIgnoreCase)))
        {
            line.Append(' ').Append(ImapFormat.String(entry.Identifier)).Append(' ').Append(ImapFormat.String(MailboxRightsText.FormatForImap(entry.Rights)));
        }

        session.Connection.Write(line.Append("\r\n").ToString());
        return session.Ok(request.Tag, "GETACL completed");
    }
}
