using MailKitServer.Imap.Acl;
using MailKitServer.Imap.Parsing;
using MailKitServer.Imap.Session;
using MailKitServer.Storage.Acl;

namespace MailKitServer.Imap.Commands;

/// <summary>MYRIGHTS mailbox (RFC 4314 §3.5, §3.8): the user's rights, with "c" and "d" (§2.1.1); needs any of "lrikxa".</summary>
internal sealed class MyRightsCommand() : ImapCommand("MYRIGHTS", CommandStates.LoggedIn)
{
    private const MailboxRights Any = MailboxRights.Lookup | MailboxRights.Read | MailboxRights.Insert | MailboxRights.CreateMailbox | MailboxRights.DeleteMailbox | MailboxRights.Administer;

    public override async ValueTask<bool> ExecuteAsync(ImapSession session, ImapRequest request)
    {
        var args = request.Arguments;
        if (args.Count != 1 || args[0].Kind == ImapTokenKind.List)
        {
            return await session.BadAsync(request.Tag, "Syntax: MYRIGHTS mailbox").ConfigureAwait(false);
        }

        var (target, refusal) = await AclTarget.FindAsync(session, args[0]).ConfigureAwait(false);
        if (target is null || (target.Rights & Any) == 0)
        {
            return session.No(request.Tag, refusal ?? MailboxAccess.Hidden);
        }

        session.Connection.Write(Response(session, target.Name, target.Rights));
        return session.Ok(request.Tag, "MYRIGHTS completed");
    }

    /// <summary>"* MYRIGHTS mailbox rights" (also LIST's MYRIGHTS return option, RFC 8440).</summary>
    /// <param name="session">The session: the name is sent in its encoding (modified UTF-7 unless UTF-8 is enabled).</param>
    /// <param name="name">The mailbox name.</param>
    /// <param name="rights">The user's rights, sent as RFC 4314 letters.</param>
    /// <returns>The response line.</returns>
    public static string Response(ImapSession session, string name, MailboxRights rights) =>
        $"* MYRIGHTS {session.MailboxString(name)} {Responses.ImapFormat.String(MailboxRightsText.FormatForImap(rights))}\r\n";
}
