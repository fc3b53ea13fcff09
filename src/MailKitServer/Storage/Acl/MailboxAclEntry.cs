namespace MailKitServer.Storage.Acl;

/// <summary>One entry of a mailbox's access control list (RFC 4314 §2).</summary>
/// <param name="Identifier">
/// Whom the entry is for: a user id as the <see cref="Users.IUserDirectory"/> gives it, <c>anyone</c>,
/// <c>authenticated</c>, or <c>$</c> and the address of a distribution list (a group: every local user the list
/// expands to). A leading <c>-</c> makes the entry a negative right: its rights are taken away from whom the rest
/// names, whatever other entries grant.
/// </param>
/// <param name="Rights">The rights granted (or, for a negative entry, removed).</param>
public sealed record MailboxAclEntry(string Identifier, MailboxRights Rights);
