using MailKitServer.Imap.Parsing;
using MailKitServer.Imap.Session;
using MailKitServer.Storage.Acl;

namespace MailKitServer.Imap.Acl;

/// <summary>
/// The mailbox an ACL command (RFC 4314 §3) is about: read from its first argument, checked to exist and to be
/// visible, with the user's rights on it and where its list is kept.
/// </summary>
/// <param name="Name">The name as the session gives it.</param>
/// <param name="OwnerId">The owner whose list it is, or <see langword="null"/> for the public tree.</param>
/// <param name="LocalName">The name in the owner's tree.</param>
/// <param name="Rights">The user's rights on it.</param>
/// <param name="IsOwn">Whether it is one of the user's own mailboxes.</param>
internal sealed record AclTarget(string Name, string? OwnerId, string LocalName, MailboxRights Rights, bool IsOwn)
{
    /// <summary>Finds the mailbox; on failure the refusal is the NO text (as for a missing mailbox when the user cannot see it).</summary>
    /// <param name="session">The session: the mailbox is looked up in its account, with its user's rights.</param>
    /// <param name="token">The mailbox argument.</param>
    /// <returns>The target, or the refusal.</returns>
    public static async ValueTask<(AclTarget? Target, string? Refusal)> FindAsync(ImapSession session, ImapToken token)
    {
        if (MailboxAccess.Of(session) is not { } account || !session.TryMailboxName(token, out var name))
        {
            return (null, MailboxAccess.Hidden);
        }

        var (rights, exists) = await account.RightsAsync(name, session.Aborted, checkExists: true).ConfigureAwait(false);
        if (!exists || (rights & (MailboxRights.Lookup | MailboxRights.Read | MailboxRights.Administer)) == 0)
        {
            return (null, MailboxAccess.Hidden);
        }

        var location = account.Locate(name);
        return (new AclTarget(name, location.OwnerId, location.LocalName, rights, location.Kind == MailboxLocationKind.Personal), null);
    }

    /// <summary>
    /// Finds a mailbox whose list the user may read or change (GETACL, SETACL, DELETEACL, LISTRIGHTS need "a",
    /// RFC 4314 §4); the refusal is the NO text for a hidden mailbox or a missing right.
    /// </summary>
    /// <param name="session">The session: the mailbox is looked up in its account, with its user's rights.</param>
    /// <param name="token">The mailbox argument.</param>
    /// <returns>The target, or the refusal.</returns>
    public static async ValueTask<(AclTarget? Target, string? Refusal)> FindAdministeredAsync(ImapSession session, ImapToken token)
    {
        var (target, refusal) = await FindAsync(session, token).ConfigureAwait(false);
        if (target is null)
        {
            return (null, refusal);
        }

        return MailboxAccess.Refusal(target.Rights, MailboxRights.Administer) is { } denied ? (null, denied) : (target, null);
    }

    /// <summary>An identifier argument (RFC 4314 §3): a non-empty astring without controls or spaces, else <see langword="null"/> (BAD).</summary>
    /// <param name="token">The argument.</param>
    /// <returns>The identifier, or <see langword="null"/>.</returns>
    public static string? Identifier(ImapToken token) =>
        token.Kind != ImapTokenKind.List && token.Text.Length > 0 && !token.Text.Any(c => char.IsControl(c) || char.IsWhiteSpace(c) || c == '\uFFFD')
        && token.Text != MailboxAclIdentifiers.NegativePrefix && token.Text != MailboxAclIdentifiers.GroupPrefix
            ? token.Text
            : null;
}
