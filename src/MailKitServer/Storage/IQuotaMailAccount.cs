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
}
