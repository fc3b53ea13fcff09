namespace MailKitServer.Imap.Notify;

/// <summary>One event group of NOTIFY SET: mailboxes and the events wanted for them (RFC 5465 §8 event-group).</summary>
/// <param name="Filter">Which mailboxes.</param>
/// <param name="Mailboxes">The names as sent (not yet decoded) for SUBTREE and MAILBOXES; empty otherwise.</param>
/// <param name="Events">The events; <see cref="NotifyEvents.None"/> for NONE.</param>
/// <param name="FetchAttributes">The MessageNew fetch attributes (SELECTED only) as their list text, or null.</param>
internal sealed record NotifyEventGroup(NotifyFilter Filter, IReadOnlyList<string> Mailboxes, NotifyEvents Events, string? FetchAttributes);
