namespace MailKitServer.Users;

/// <summary>
/// A directory that keeps per-user mail quotas (IMAP QUOTA, RFC 9208: STORAGE and MESSAGE). Optional: a store is
/// given one through its options (<c>InMemoryMessageStoreOptions.QuotaDirectory</c>,
/// <c>MaildirStoreOptions.QuotaDirectory</c>) and asks it at each delivery, append, copy and quota report, so a
/// change in the directory applies to the next one.
/// </summary>
/// <remarks>
/// Which limit wins, most specific first: limits an IMAP quota administrator set with SETQUOTA (kept by the store:
/// the latest explicit decision about that one account, and what a following GETQUOTA must show, RFC 9208 §4.1.3);
/// else the directory's; else the store's own defaults. A resource the directory leaves
/// <see langword="null"/> takes the store's default for that resource.
/// </remarks>
public interface IQuotaUserDirectory : IUserDirectory
{
    /// <summary>The limits the directory sets for a user.</summary>
    /// <param name="userId">The user id (as the directory gave it at login or delivery).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The limits, or <see langword="null"/> when the directory sets none for this user (the store's defaults apply).</returns>
    ValueTask<UserQuota?> GetQuotaAsync(string userId, CancellationToken cancellationToken);
}
