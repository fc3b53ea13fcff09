namespace MailKitServer.Users;

/// <summary>A user's mail limits as a directory keeps them (<see cref="IQuotaUserDirectory"/>).</summary>
/// <param name="StorageLimitBytes">The most octets the user's messages may take, all mailboxes together, or <see langword="null"/> for the store's default.</param>
/// <param name="MessageLimit">The most messages the user may hold, all mailboxes together, or <see langword="null"/> for the store's default.</param>
public sealed record UserQuota(long? StorageLimitBytes, long? MessageLimit);
