using MailKitServer.Imap.Acl;
using MailKitServer.Imap.Session;
using MailKitServer.Storage;
using MailKitServer.Storage.Acl;
using MailKitServer.Storage.Metadata;

namespace MailKitServer.Imap.Metadata;

/// <summary>
/// Where the annotations a METADATA command names live: the server's (the empty mailbox name) through the user's own
/// account, a mailbox's through the account that owns it (the user's, another user's that shared it, the public
/// tree's), with the rights RFC 5464 §3.3 asks for.
/// </summary>
/// <param name="Account">The account whose store keeps them.</param>
/// <param name="Mailbox">The mailbox's name in that account, or the empty string for the server.</param>
/// <param name="Role">The mailbox's special use (for /private/specialuse).</param>
internal sealed record MetadataTarget(IMetadataMailAccount Account, string Mailbox, MailboxRole Role)
{
    /// <summary>RFC 5464 §3.3: with ACL, "l" and one of "r", "s", "w", "i" or "p".</summary>
    private const MailboxRights AnyAccess = MailboxRights.Read | MailboxRights.Seen | MailboxRights.Write | MailboxRights.Insert | MailboxRights.Post;

    /// <summary>Whether the session's store keeps annotations (then METADATA is advertised).</summary>
    /// <param name="account">The logged-in account, or null.</param>
    /// <returns><see langword="true"/> when it does.</returns>
    public static bool Supported(IMailAccount? account) => MailboxAccess.OwnAccount(account) is IMetadataMailAccount;

    /// <summary>Finds the annotations of a mailbox (or the server) for the session.</summary>
    /// <param name="session">The session: its account and its user's rights decide what it may see.</param>
    /// <param name="name">The normalised mailbox name, or the empty string for the server.</param>
    /// <returns>The target, or the text of the NO (a mailbox the user may not see answers as a missing one).</returns>
    public static async ValueTask<(MetadataTarget? Target, string? Refusal)> FindAsync(ImapSession session, string name)
    {
        if (name.Length == 0)
        {
            // RFC 5464 §3.3: users can always read server annotations.
            return MailboxAccess.OwnAccount(session.Account) is IMetadataMailAccount own
                ? (new MetadataTarget(own, string.Empty, MailboxRole.None), null)
                : (null, "Server annotations are not kept");
        }

        var rights = await MailboxAccess.RightsAsync(session, name).ConfigureAwait(false);
        if ((rights & MailboxRights.Lookup) == 0 || (rights & AnyAccess) == 0)
        {
            return (null, (rights & (MailboxRights.Lookup | MailboxRights.Read)) == 0 ? MailboxAccess.Hidden : MailboxAccess.NoPermission);
        }

        IMailAccount? account = session.Account;
        var local = name;
        if (MailboxAccess.Of(session) is { } namespaced)
        {
            var location = namespaced.Locate(name);
            account = await namespaced.AccountOfAsync(location, session.Aborted).ConfigureAwait(false);
            local = location.LocalName;
        }

        if (account is not IMetadataMailAccount metadata
            || (await account.ListAsync(session.Aborted).ConfigureAwait(false)).FirstOrDefault(m => m.Name == local) is not { } info)
        {
            return (null, MailboxAccess.Hidden);
        }

        return (new MetadataTarget(metadata, local, info.Role), null);
    }
}
