using MailKitServer.Storage;

namespace MailKitServer.Delivery;

/// <summary>One copy to store for a filtered user.</summary>
/// <param name="Mailbox">The mailbox; a missing one is created when <paramref name="Create"/> is set, otherwise INBOX takes the copy.</param>
/// <param name="Flags">The system flags the copy gets.</param>
/// <param name="Keywords">The keywords the copy gets.</param>
/// <param name="Create">Whether a missing mailbox is created (RFC 5490 <c>:create</c>).</param>
/// <param name="Content">The content when the rules changed it (RFC 5293 editheader), or <see langword="null"/> for the message as received.</param>
internal sealed record FiledCopy(string Mailbox, SystemFlags Flags, IReadOnlyList<string> Keywords, bool Create = false, byte[]? Content = null);
