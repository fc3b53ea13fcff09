using MailKitServer.Imap.Parsing;
using MailKitServer.Imap.Quota;
using MailKitServer.Imap.Responses;
using MailKitServer.Imap.Session;
using MailKitServer.Storage;

namespace MailKitServer.Imap.Commands;

/// <summary>
/// GETQUOTAROOT mailbox (RFC 9208 §4.1.2): the account's one root (the user id) with its QUOTA. The mailbox need not
/// exist (the root that would apply to it is given).
/// </summary>
internal sealed class GetQuotaRootCommand() : ImapCommand("GETQUOTAROOT", CommandStates.LoggedIn)
{
    public override async ValueTask<bool> ExecuteAsync(ImapSession session, ImapRequest request)
    {
        var args = request.Arguments;
        if (args.Count != 1 || args[0].Kind == ImapTokenKind.List)
        {
            return await session.BadAsync(request.Tag, "Syntax: GETQUOTAROOT mailbox").ConfigureAwait(false);
        }

        if (!session.TryMailboxName(args[0], out var name))
        {
            return session.No(request.Tag, "[CANNOT] Invalid mailbox name");
        }

        if (Acl.MailboxAccess.OwnAccount(session.Account) is not IQuotaMailAccount account)
        {
            return session.No(request.Tag, "[CANNOT] This store keeps no quota");
        }

        var usage = await account.GetQuotaAsync(session.Aborted).ConfigureAwait(false);
        session.Connection.Write($"* QUOTAROOT {session.MailboxString(name)} {ImapFormat.String(session.UserId)}\r\n");
        session.Connection.Write(QuotaRoots.Response(session.UserId, usage));
        return session.Ok(request.Tag, "GETQUOTAROOT completed");
    }
}
