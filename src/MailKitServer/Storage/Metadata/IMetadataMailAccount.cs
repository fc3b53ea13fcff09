namespace MailKitServer.Storage.Metadata;

/// <summary>
/// An account whose store keeps annotations (IMAP METADATA, RFC 5464) on its mailboxes and on the server. Optional:
/// IMAP advertises METADATA only for accounts that implement this.
/// </summary>
/// <remarks>
/// Entry names reach the store already checked and lower-cased (names are case-insensitive, RFC 5464 §3.2), each
/// starting with <c>/private/</c> or <c>/shared/</c>. A <c>/shared/</c> entry has one value for every user; a
/// <c>/private/</c> entry is kept per user (the <c>userId</c> argument, which for a mailbox another user shared is
/// not the account's own user). The empty mailbox name means the server: its shared entries are the same from every
/// account of the store. A store keeps a mailbox's annotations with the mailbox: RENAME takes them along (renaming
/// INBOX copies them, so INBOX keeps its own), DELETE drops them (RFC 5464 §4.1). Limits on sizes and counts are the
/// protocol engine's; the store keeps what it is given.
/// </remarks>
public interface IMetadataMailAccount : IMailAccount
{
    /// <summary>The entries of a mailbox, or of the server, that a user sees: every shared one and the user's own private ones.</summary>
    /// <param name="mailbox">The mailbox name, or the empty string for the server.</param>
    /// <param name="userId">The user whose private entries are read.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The entries (each with a value), in no particular order; <see langword="null"/> when the mailbox does not exist.</returns>
    ValueTask<IReadOnlyList<MetadataEntry>?> GetMetadataAsync(string mailbox, string userId, CancellationToken cancellationToken);

    /// <summary>
    /// Sets the entries that have a value and removes those without one, all or none, durably before it returns (when
    /// the store is durable).
    /// </summary>
    /// <param name="mailbox">The mailbox name, or the empty string for the server.</param>
    /// <param name="userId">The user whose private entries are changed.</param>
    /// <param name="changes">The entries to set or remove.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="false"/> when the mailbox does not exist (nothing changed).</returns>
    ValueTask<bool> SetMetadataAsync(string mailbox, string userId, IReadOnlyList<MetadataEntry> changes, CancellationToken cancellationToken);
}
