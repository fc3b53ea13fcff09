using MailKitServer.Imap.Acl;
using MailKitServer.Imap.Parsing;
using MailKitServer.Imap.Responses;
using MailKitServer.Imap.Session;
using MailKitServer.Storage.Acl;

namespace MailKitServer.Imap.Commands;

/// <summary>
/// LISTRIGHTS mailbox identifier (RFC 4314 §3.4, §3.7): the owner always has every right; anyone else may be granted
/// each right on its own (none is tied to another), with the virtual "c" and "d" last (§2.1.1). The user needs "a".
/// </summary>
internal sealed class ListRightsCommand() : ImapCommand("LISTRIGHTS", CommandStates.LoggedIn)
{
    public override async ValueTask<bool> ExecuteAsync(ImapSession session, ImapRequest request)
    {
        var args = request.Arguments;
        if (args.Count != 2 || args[0].Kind == ImapTokenKind.List)
        {
            return await session.BadAsync(request.Tag, "Syntax: LISTRIGHTS mailbox identifier").ConfigureAwait(false);
        }

        if (AclTarget.Identifier(args[1]) is not { } identifier)
        {
            return await session.BadAsync(request.Tag, "Invalid identifier").ConfigureAwait(false);
        }

        var (target, refusal) = await AclTarget.FindAdministeredAsync(session, args[0]).ConfigureAwait(false);
        if (target is null)
        {
            return session.No(request.Tag, refusal!);
        }

        // RFC 4314 §3.4: the identifier comes back as the client gave it.
        var rights = target.OwnerId is { } owner && identifier.Equals(owner, StringComparison.OrdinalIgnoreCase)
            ? MailboxRightsText.FormatForImap(MailboxRights.All)
            : "\"\" " + string.Join(' ', (MailboxRightsText.Letters + "cd").Select(c => c.ToString()));
        session.Connection.Write($"* LISTRIGHTS {session.MailboxString(target.Name)} {ImapFormat.String(identifier)} {rights}\r\n");
        return session.Ok(request.Tag, "LISTRIGHTS completed");
    }
}
