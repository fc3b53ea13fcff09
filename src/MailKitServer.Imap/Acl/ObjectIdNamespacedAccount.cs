using MailKitServer.Storage;
using MailKitServer.Storage.Acl;
using MailKitServer.Users;

namespace MailKitServer.Imap.Acl;

/// <summary>
/// A <see cref="NamespacedAccount"/> over an account that keeps RFC 8474 object ids: OBJECTID stays advertised, and a
/// mailbox's MAILBOXID comes from the account it lives in (none for a tree whose account keeps no ids).
/// </summary>
internal sealed class ObjectIdNamespacedAccount(IObjectIdMailAccount own, IMessageStore store, IMailboxAclStore acl, IUserDirectory directory, ImapOptions options)
    : NamespacedAccount(own, store, acl, directory, options), IObjectIdMailAccount
{
    public async ValueTask<string?> GetMailboxIdAsync(string name, CancellationToken cancellationToken)
    {
        var location = Locate(name);
        if (location.IsShared && ((await RightsAsync(name, cancellationToken).ConfigureAwait(false)).Rights & (MailboxRights.Lookup | MailboxRights.Read)) == 0)
        {
            return null;
        }

        return await AccountOfAsync(location, cancellationToken).ConfigureAwait(false) is IObjectIdMailAccount account
            ? await account.GetMailboxIdAsync(location.LocalName, cancellationToken).ConfigureAwait(false)
            : null;
    }
}
