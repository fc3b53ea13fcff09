using MailKitServer.Addresses;
using MailKitServer.Delivery;
using MailKitServer.Storage;

namespace MailKitServer.Smtp.Session;

/// <summary>An accepted recipient: local mailboxes and/or remote addresses, with its DSN parameters.</summary>
internal sealed record SmtpRecipient(MailAddress Address, IReadOnlyList<MailboxTarget> Mailboxes, IReadOnlyList<MailAddress> Remote, DsnNotify Notify, string? OriginalRecipient);
