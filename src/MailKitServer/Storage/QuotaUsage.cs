namespace MailKitServer.Storage;

/// <summary>One account's usage and limits (IMAP QUOTA, RFC 9208 §5: STORAGE and MESSAGE).</summary>
/// <param name="StorageBytes">The octets the account's messages take, in every mailbox.</param>
/// <param name="Messages">How many messages the account holds, in every mailbox.</param>
/// <param name="StorageLimitBytes">The most octets allowed, or <see langword="null"/> for no limit.</param>
/// <param name="MessageLimit">The most messages allowed, or <see langword="null"/> for no limit.</param>
public sealed record QuotaUsage(long StorageBytes, long Messages, long? StorageLimitBytes, long? MessageLimit);
