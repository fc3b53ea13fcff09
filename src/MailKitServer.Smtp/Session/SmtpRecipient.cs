using MailKitServer.Addresses;
using MailKitServer.Delivery;
using MailKitServer.Storage;

namespace MailKitServer.Smtp.Session;

/// <summary>An accepted recipient: local mailboxes and/or remote addresses, with its DSN parameters.</summary>
/// <param name="Address">The address given in RCPT TO.</param>
/// <param name="Mailboxes">The local mailboxes it resolved to.</param>
/// <param name="Remote">The remote addresses it goes to: itself when relayed, an alias's remote targets when forwarded.</param>
/// <param name="Notify">The DSN NOTIFY parameter.</param>
/// <param name="OriginalRecipient">The DSN ORCPT parameter.</param>
/// <param name="Relayed">Whether the address itself is remote (relaying), rather than a local address forwarding.</param>
internal sealed record SmtpRecipient(MailAddress Address, IReadOnlyList<MailboxTarget> Mailboxes, IReadOnlyList<MailAddress> Remote, DsnNotify Notify, string? OriginalRecipient, bool Relayed = false);
