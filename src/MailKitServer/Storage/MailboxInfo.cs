namespace MailKitServer.Storage;

/// <summary>A mailbox as LIST shows it.</summary>
/// <param name="Name">The full name, with <c>/</c> as hierarchy separator.</param>
/// <param name="Role">The special use.</param>
/// <param name="IsSubscribed">Whether the name is subscribed.</param>
/// <param name="HasChildren">Whether other mailboxes sit below this one.</param>
public sealed record MailboxInfo(string Name, MailboxRole Role, bool IsSubscribed, bool HasChildren);
