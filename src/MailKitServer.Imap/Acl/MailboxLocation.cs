using MailKitServer.Storage;

namespace MailKitServer.Imap.Acl;

/// <summary>Where a mailbox name of a session lives: its namespace, its owner and its name in the owner's tree.</summary>
/// <param name="Kind">The namespace.</param>
/// <param name="OwnerId">The owner's user id (the session's user for a personal mailbox), or <see langword="null"/> for the public tree.</param>
/// <param name="LocalName">The name in the owner's tree (empty for a virtual level).</param>
internal readonly record struct MailboxLocation(MailboxLocationKind Kind, string? OwnerId, string LocalName)
{
    /// <summary>The prefix of other users' mailboxes (RFC 2342 §5: the "Other Users" namespace).</summary>
    public const string OtherUsersRoot = "Other Users";

    /// <summary>The prefix of the public tree (RFC 2342 §5: the "Shared" namespace).</summary>
    public const string PublicRoot = "Shared";

    /// <summary>Whether the mailbox is in a tree the session's user does not own.</summary>
    public bool IsShared => Kind is MailboxLocationKind.OtherUser or MailboxLocationKind.Public;

    /// <summary>Where a session's mailbox name lives.</summary>
    /// <param name="userId">The session's user id.</param>
    /// <param name="name">A normalised mailbox name.</param>
    /// <returns>The location.</returns>
    public static MailboxLocation Of(string userId, string name)
    {
        if (name is OtherUsersRoot or PublicRoot)
        {
            return new(MailboxLocationKind.Virtual, name == PublicRoot ? null : string.Empty, string.Empty);
        }

        if (name.StartsWith(PublicRoot + MailboxName.Separator, StringComparison.Ordinal))
        {
            // The public tree's INBOX exists only because every account has one: it is no public folder.
            return MailboxName.TryNormalize(name[(PublicRoot.Length + 1)..], out var local) && local != MailboxName.Inbox
                ? new(MailboxLocationKind.Public, null, local)
                : new(MailboxLocationKind.None, null, string.Empty);
        }

        if (!name.StartsWith(OtherUsersRoot + MailboxName.Separator, StringComparison.Ordinal))
        {
            return new(MailboxLocationKind.Personal, userId, name);
        }

        var rest = name[(OtherUsersRoot.Length + 1)..];
        var slash = rest.IndexOf(MailboxName.Separator, StringComparison.Ordinal);
        if (slash < 0)
        {
            return new(MailboxLocationKind.Virtual, rest, string.Empty);
        }

        var owner = rest[..slash];
        return !owner.Equals(userId, StringComparison.OrdinalIgnoreCase) && MailboxName.TryNormalize(rest[(slash + 1)..], out var mailbox)
            ? new(MailboxLocationKind.OtherUser, owner, mailbox)
            : new(MailboxLocationKind.None, owner, string.Empty);
    }

    /// <summary>The name a session sees for a mailbox of another owner or of the public tree.</summary>
    /// <param name="ownerId">The owner, or <see langword="null"/> for the public tree.</param>
    /// <param name="localName">The name in the owner's tree.</param>
    /// <returns>The session's name.</returns>
    public static string NameOf(string? ownerId, string localName) =>
        ownerId is null ? PublicRoot + MailboxName.Separator + localName : OtherUsersRoot + MailboxName.Separator + ownerId + MailboxName.Separator + localName;

    /// <summary>Whether a name is one the session's user may not give a personal mailbox (it would hide a namespace).</summary>
    /// <param name="name">A normalised mailbox name.</param>
    /// <returns>Whether it is reserved.</returns>
    public static bool IsReserved(string name) =>
        name is OtherUsersRoot or PublicRoot
        || name.StartsWith(OtherUsersRoot + MailboxName.Separator, StringComparison.Ordinal)
        || name.StartsWith(PublicRoot + MailboxName.Separator, StringComparison.Ordinal);
}
