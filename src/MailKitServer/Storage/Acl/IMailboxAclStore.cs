namespace MailKitServer.Storage.Acl;

/// <summary>
/// The optional seam of a store that keeps access control lists (RFC 4314) and a public folder tree. A store that
/// implements it next to <see cref="IMessageStore"/> gets IMAP's ACL, RIGHTS= and LIST-MYRIGHTS advertised, the
/// <c>Other Users/</c> namespace (folders other users shared) and the <c>Shared/</c> namespace (the public tree); a
/// store without it offers personal mailboxes only. The store keeps the lists; the protocol engine decides what
/// they allow (the owner of a personal mailbox always has every right, whatever its list says).
/// </summary>
/// <remarks>
/// A mailbox's list goes with the mailbox: deleting the mailbox deletes it, renaming the mailbox keeps it (RFC 4314
/// §4). Owner ids are user ids; <see langword="null"/> names the public tree, a mailbox tree owned by no user.
/// Implementations must be safe for concurrent use.
/// </remarks>
public interface IMailboxAclStore
{
    /// <summary>
    /// Opens the public folder tree (the <c>Shared/</c> namespace), created empty on first use. Its INBOX, if the
    /// store keeps one, is not part of the tree.
    /// </summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The tree, as an account; dispose it when done.</returns>
    ValueTask<IMailAccount> OpenPublicAccountAsync(CancellationToken cancellationToken);

    /// <summary>Reads a mailbox's access control list.</summary>
    /// <param name="ownerId">The owner's user id, or <see langword="null"/> for the public tree.</param>
    /// <param name="mailbox">The mailbox name in the owner's tree.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The entries (empty when none were set), or <see langword="null"/> when the mailbox does not exist.</returns>
    ValueTask<IReadOnlyList<MailboxAclEntry>?> GetAclAsync(string? ownerId, string mailbox, CancellationToken cancellationToken);

    /// <summary>Sets (replaces) or removes one identifier's entry in a mailbox's access control list.</summary>
    /// <param name="ownerId">The owner's user id, or <see langword="null"/> for the public tree.</param>
    /// <param name="mailbox">The mailbox name in the owner's tree.</param>
    /// <param name="identifier">The identifier (see <see cref="MailboxAclEntry.Identifier"/>), compared without regard to case.</param>
    /// <param name="rights">The rights, or <see langword="null"/> to remove the entry (IMAP DELETEACL).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The outcome: <see cref="StoreStatus.NotFound"/> when the mailbox does not exist.</returns>
    ValueTask<MailboxResult> SetAclAsync(string? ownerId, string mailbox, string identifier, MailboxRights? rights, CancellationToken cancellationToken);

    /// <summary>
    /// Every mailbox, of every owner and of the public tree, whose list has at least one entry: how a session finds
    /// the folders other users shared with its user.
    /// </summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The mailboxes with their lists.</returns>
    ValueTask<IReadOnlyList<SharedMailboxAcl>> ListSharedAsync(CancellationToken cancellationToken);
}
