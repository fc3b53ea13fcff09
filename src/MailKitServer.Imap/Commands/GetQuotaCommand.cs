using MailKitServer.Imap.Parsing;
using MailKitServer.Imap.Quota;
using MailKitServer.Imap.Session;

namespace MailKitServer.Imap.Commands;

/// <summary>GETQUOTA root (RFC 9208 §4.1.1): the usage and limits of a quota root the user may see.</summary>
internal sealed class GetQuotaCommand() : ImapCommand("GETQUOTA", CommandStates.LoggedIn)
{
    public override async ValueTask<bool> ExecuteAsync(ImapSession session, ImapRequest request)
    {
        var args = request.Arguments;
        if (args.Count != 1 || args[0].Kind == ImapTokenKind.List)
        {
            return await session.BadAsync(request.Tag, "Syntax: GETQUOTA root").ConfigureAwait(false);
        }

        if (!QuotaRoots.Supported(session.Account) || await QuotaRoots.OpenAsync(session, args[0].Text).ConfigureAwait(false) is not { } opened)
        {
            // Another user's root is not confirmed to exist (no leak of who has an account).
            return session.No(request.Tag, "[NONEXISTENT] No such quota root");
        }

        try
        {
            var usage = await opened.Account.GetQuotaAsync(session.Aborted).ConfigureAwait(false);
            session.Connection.Write(QuotaRoots.Response(args[0].Text, usage));
            return session.Ok(request.Tag, "GETQUOTA completed");
        }
        finally
        {
            if (opened.Owned)
            {
                await opened.Account.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
