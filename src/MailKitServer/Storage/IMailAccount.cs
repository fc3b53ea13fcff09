namespace MailKitServer.Storage;

/// <summary>One user's mailbox tree, opened for one protocol session. Mailbox names use <c>/</c> as the hierarchy separator.</summary>
public interface IMailAccount : IAsyncDisposable
{
    /// <summary>The user id.</summary>
    string UserId { get; }

    /// <summary>The hierarchy separator of mailbox names (always <c>/</c> at this seam).</summary>
    char HierarchySeparator => '/';

    /// <summary>Lists every mailbox of the account.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The mailboxes, INBOX first, then by name.</returns>
    ValueTask<IReadOnlyList<MailboxInfo>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Creates a mailbox (and any missing parents).</summary>
    /// <param name="name">The mailbox name.</param>
    /// <param name="role">The special-use role, or <see cref="MailboxRole.None"/>.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The outcome.</returns>
    ValueTask<MailboxResult> CreateAsync(string name, MailboxRole role, CancellationToken cancellationToken);

    /// <summary>Renames a mailbox and its children. Renaming INBOX moves its messages to a new mailbox and leaves INBOX empty (RFC 3501 §6.3.5).</summary>
    /// <param name="from">The current name.</param>
    /// <param name="to">The new name.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The outcome.</returns>
    ValueTask<MailboxResult> RenameAsync(string from, string to, CancellationToken cancellationToken);

    /// <summary>Deletes a mailbox and its messages (not its children). INBOX cannot be deleted.</summary>
    /// <param name="name">The mailbox name.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The outcome.</returns>
    ValueTask<MailboxResult> DeleteAsync(string name, CancellationToken cancellationToken);

    /// <summary>Adds a name to, or removes it from, the subscription list (the mailbox need not exist).</summary>
    /// <param name="name">The mailbox name.</param>
    /// <param name="subscribed">Whether to subscribe.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The outcome.</returns>
    ValueTask<MailboxResult> SetSubscribedAsync(string name, bool subscribed, CancellationToken cancellationToken);

    /// <summary>
    /// The subscribed names, including those of mailboxes that were deleted or never existed (IMAP shows them with
    /// \NonExistent). The default lists the subscribed mailboxes that exist.
    /// </summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The names.</returns>
    async ValueTask<IReadOnlyList<string>> ListSubscriptionsAsync(CancellationToken cancellationToken) =>
        (await ListAsync(cancellationToken).ConfigureAwait(false)).Where(m => m.IsSubscribed).Select(m => m.Name).ToList();

    /// <summary>Reads a mailbox's counters without opening it (IMAP STATUS).</summary>
    /// <param name="name">The mailbox name.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The status, or <see langword="null"/> when the mailbox does not exist.</returns>
    ValueTask<MailboxStatus?> GetStatusAsync(string name, CancellationToken cancellationToken);

    /// <summary>Opens (selects) a mailbox: a snapshot of its messages plus a feed of later changes.</summary>
    /// <param name="name">The mailbox name.</param>
    /// <param name="readOnly">Whether the view is read-only (IMAP EXAMINE).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The view, or <see langword="null"/> when the mailbox does not exist.</returns>
    ValueTask<IMailboxView?> OpenAsync(string name, bool readOnly, CancellationToken cancellationToken);

    /// <summary>Appends a message to a mailbox without opening it (IMAP APPEND). Returns once the message is durable.</summary>
    /// <param name="name">The mailbox name.</param>
    /// <param name="content">The message, read to its end.</param>
    /// <param name="flags">The initial flags.</param>
    /// <param name="keywords">The initial keywords.</param>
    /// <param name="internalDate">The internal date, or <see langword="null"/> for now.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The outcome with the new UID.</returns>
    ValueTask<AppendResult> AppendAsync(string name, Stream content, SystemFlags flags, IReadOnlyCollection<string> keywords, DateTimeOffset? internalDate, CancellationToken cancellationToken);

    /// <summary>
    /// Takes the exclusive maildrop lock that POP3 needs (RFC 1939 §8). Returns <see langword="null"/> when another
    /// session holds it; dispose the returned handle to release it.
    /// </summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The lock handle, or <see langword="null"/> when the maildrop is in use.</returns>
    ValueTask<IAsyncDisposable?> TryLockMaildropAsync(CancellationToken cancellationToken);
}
