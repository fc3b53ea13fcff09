using MailKitServer.Imap.Session;

namespace MailKitServer.Imap.Commands;

/// <summary>
/// NAMESPACE (RFC 2342, RFC 9051 §6.3.10): the personal namespace with "/" as separator; with a store that keeps
/// access control lists also "Other Users/" (other users' shared mailboxes) and "Shared/" (the public tree).
/// </summary>
internal sealed class NamespaceCommand() : ImapCommand("NAMESPACE", CommandStates.LoggedIn)
{
    public override ValueTask<bool> ExecuteAsync(ImapSession session, ImapRequest request)
    {
        if (session.Account is Acl.NamespacedAccount)
        {
            session.Connection.Write($"* NAMESPACE ((\"\" \"/\")) ((\"{Acl.MailboxLocation.OtherUsersRoot}/\" \"/\")) ((\"{Acl.MailboxLocation.PublicRoot}/\" \"/\"))\r\n");
        }
        else
        {
            session.Connection.Write("* NAMESPACE ((\"\" \"/\")) NIL NIL\r\n"u8);
        }

        return ValueTask.FromResult(session.Ok(request.Tag, "NAMESPACE completed"));
    }
}
