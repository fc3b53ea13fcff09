using MailKitServer.Imap.Session;
using MailKitServer.Storage;
using MailKitServer.Storage.Acl;

namespace MailKitServer.Imap.Acl;

/// <summary>
/// The one place the commands ask what the user's rights allow (RFC 4314 §4). Without an ACL store every right is
/// granted. A refusal on a mailbox the user may neither look up ("l") nor read ("r") is worded as for a mailbox that
/// does not exist (RFC 4314 §6: no existence leak); otherwise it is <c>NO [NOPERM]</c> (RFC 5530).
/// </summary>
internal static class MailboxAccess
{
    /// <summary>The text of a refusal for a mailbox the user cannot see.</summary>
    public const string Hidden = "[NONEXISTENT] No such mailbox";

    /// <summary>The text of a refusal for a mailbox the user can see.</summary>
    public const string NoPermission = "[NOPERM] Permission denied";

    /// <summary>The rights that make a selected mailbox read-write (RFC 4314 §5.2: "i", "e" or a flag right).</summary>
    public const MailboxRights Writable = MailboxRights.Insert | MailboxRights.Expunge | MailboxRights.Seen | MailboxRights.Write | MailboxRights.DeleteMessages;

    /// <summary>The rights that decide which flags a user may set or clear ("s", "w", "t").</summary>
    public const MailboxRights FlagRights = MailboxRights.Seen | MailboxRights.Write | MailboxRights.DeleteMessages;

    /// <summary>The session's namespaced account, or <see langword="null"/> when the store keeps no access control lists.</summary>
    /// <returns>The account.</returns>
    public static NamespacedAccount? Of(ImapSession session) => session.Account as NamespacedAccount;

    /// <summary>The user's own account, under the namespaced one when the store keeps access control lists.</summary>
    /// <param name="account">The session's account.</param>
    /// <returns>The own account.</returns>
    public static IMailAccount? OwnAccount(IMailAccount? account) => account is NamespacedAccount namespaced ? namespaced.Own : account;

    /// <summary>The user's rights on a mailbox (every right without an ACL store).</summary>
    /// <param name="session">The session: without an access control list store, every right.</param>
    /// <param name="name">A normalised name.</param>
    /// <returns>The rights.</returns>
    public static async ValueTask<MailboxRights> RightsAsync(ImapSession session, string name) =>
        Of(session) is { } account ? (await account.RightsAsync(name, session.Aborted).ConfigureAwait(false)).Rights : MailboxRights.All;

    /// <summary>Checks that the user has every one of <paramref name="needed"/> on a mailbox.</summary>
    /// <param name="session">The session: without an access control list store, every right.</param>
    /// <param name="name">A normalised name.</param>
    /// <param name="needed">The rights the command needs.</param>
    /// <returns><see langword="null"/> when allowed, else the text of the NO.</returns>
    public static async ValueTask<string?> DenyAsync(ImapSession session, string name, MailboxRights needed) =>
        Refusal(await RightsAsync(session, name).ConfigureAwait(false), needed);

    /// <summary>The NO text when <paramref name="rights"/> lack one of <paramref name="needed"/>, else <see langword="null"/>.</summary>
    /// <param name="rights">The user's rights.</param>
    /// <param name="needed">The rights needed.</param>
    /// <returns>The text, or <see langword="null"/>.</returns>
    public static string? Refusal(MailboxRights rights, MailboxRights needed) =>
        (rights & needed) == needed ? null : (rights & (MailboxRights.Lookup | MailboxRights.Read)) == 0 ? Hidden : NoPermission;

    /// <summary>CREATE, and the new name of RENAME: "k" on the nearest existing level above (RFC 4314 §4).</summary>
    /// <param name="session">The session: without an access control list store, CREATE is always allowed.</param>
    /// <param name="name">The new mailbox's normalised name.</param>
    /// <returns><see langword="null"/> when allowed, else the text of the NO.</returns>
    public static async ValueTask<string?> DenyCreateAsync(ImapSession session, string name)
    {
        if (Of(session) is not { } account)
        {
            return null;
        }

        for (var parent = NearestParent(name); parent is not null; parent = NearestParent(parent))
        {
            var (rights, exists) = await account.RightsAsync(parent, session.Aborted, checkExists: true).ConfigureAwait(false);
            if (exists || account.IsVirtual(parent))
            {
                // A level the user cannot see refuses as the missing one above it would: NOPERM either way.
                return (rights & MailboxRights.CreateMailbox) != 0 ? null : NoPermission;
            }
        }

        // A new top level: the user's own tree, or a namespace root (which is virtual, handled above).
        return account.Locate(name).Kind == MailboxLocationKind.Personal ? null : NoPermission;
    }

    /// <summary>The name one level up, or <see langword="null"/> at the top.</summary>
    /// <param name="name">A name.</param>
    /// <returns>The parent's name.</returns>
    public static string? NearestParent(string name)
    {
        var slash = name.LastIndexOf(MailboxName.Separator);
        return slash > 0 ? name[..slash] : null;
    }

    /// <summary>Whether the selected mailbox's rights (taken at SELECT, RFC 4314 §5.1.1 allows that) hold all of <paramref name="needed"/>.</summary>
    /// <param name="selected">The selected mailbox.</param>
    /// <param name="needed">The rights.</param>
    /// <returns>Whether allowed.</returns>
    public static bool Allows(SelectedMailbox selected, MailboxRights needed) => (selected.Rights & needed) == needed;

    /// <summary>
    /// The flags and keywords the rights let a user set or clear (RFC 4314 §4): \Seen with "s", \Deleted with "t",
    /// the others and keywords with "w". What is left out is dropped without an error (APPEND, COPY, STORE).
    /// </summary>
    /// <param name="rights">The rights on the mailbox.</param>
    /// <param name="flags">The flags asked for; those outside the rights are dropped.</param>
    /// <param name="keywords">The keywords asked for: all of them with "w", none without.</param>
    /// <returns>The flags and keywords allowed.</returns>
    public static (SystemFlags Flags, IReadOnlyCollection<string> Keywords) Permitted(MailboxRights rights, SystemFlags flags, IReadOnlyCollection<string> keywords)
    {
        var allowed = SystemFlags.None;
        if ((rights & MailboxRights.Seen) != 0)
        {
            allowed |= SystemFlags.Seen;
        }

        if ((rights & MailboxRights.DeleteMessages) != 0)
        {
            allowed |= SystemFlags.Deleted;
        }

        var write = (rights & MailboxRights.Write) != 0;
        if (write)
        {
            allowed |= ~(SystemFlags.Seen | SystemFlags.Deleted);
        }

        return (flags & allowed, write ? keywords : []);
    }
}
