namespace MailKitServer.Storage;

/// <summary>
/// An account whose store counts its usage against limits (IMAP QUOTA, RFC 9208): one quota root per account
/// covering every mailbox, with STORAGE (octets) and MESSAGE (count) resources. A store implementing this refuses an
/// append, delivery or copy that would go past a limit with <see cref="StoreStatus.OverQuota"/> (a MOVE within the
/// account changes nothing and is allowed). IMAP advertises QUOTA only for accounts that implement this.
/// </summary>
public interface IQuotaMailAccount : IMailAccount
{
    /// <summary>The account's usage and limits.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The usage, exact (RFC 9208 §5.1), and the limits in force.</returns>
    ValueTask<QuotaUsage> GetQuotaAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the account's limits (both: a limit not given is removed, RFC 9208 §4.1.3). They are kept by the store
    /// (across restarts when the store is durable) and take the place of the store-wide defaults for this account.
    /// </summary>
    /// <param name="storageLimitBytes">The most octets, or <see langword="null"/> for no limit.</param>
    /// <param name="messageLimit">The most messages, or <see langword="null"/> for no limit.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task.</returns>
    ValueTask SetQuotaAsync(long? storageLimitBytes, long? messageLimit, CancellationToken cancellationToken);

    /// <summary>
    /// Appends a message that replaces one of this account's messages (IMAP REPLACE, RFC 8508 §3.4): as
    /// <see cref="IMailAccount.AppendAsync"/>, but the quota is checked net of the replaced message (its octets and
    /// one message), which the caller removes next. A resource the replacement does not add to is never refused, so
    /// a user over a lowered limit may still shrink a draft.
    /// </summary>
    /// <param name="name">The target mailbox's name.</param>
    /// <param name="content">The new message.</param>
    /// <param name="flags">Its system flags.</param>
    /// <param name="keywords">Its keywords.</param>
    /// <param name="internalDate">Its internal date, or <see langword="null"/> for now.</param>
    /// <param name="replacedSize">The replaced message's size in octets, as the store reported it.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The outcome, <see cref="StoreStatus.OverQuota"/> when even the net change goes past a limit.</returns>
    ValueTask<AppendResult> AppendReplacingAsync(string name, Stream content, SystemFlags flags, IReadOnlyCollection<string> keywords, DateTimeOffset? internalDate, long replacedSize, CancellationToken cancellationToken);
}
