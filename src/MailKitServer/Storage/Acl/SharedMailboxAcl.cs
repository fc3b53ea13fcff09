namespace MailKitServer.Storage.Acl;

/// <summary>A mailbox whose access control list has entries: how other users find what is shared with them.</summary>
/// <param name="OwnerId">The owner's user id, or <see langword="null"/> for a folder of the public tree.</param>
/// <param name="Mailbox">The mailbox name in its owner's tree.</param>
/// <param name="Entries">The entries, as <see cref="IMailboxAclStore.GetAclAsync"/> gives them.</param>
public sealed record SharedMailboxAcl(string? OwnerId, string Mailbox, IReadOnlyList<MailboxAclEntry> Entries);
