using MailKitServer.SenderAuth;

namespace MailKitServer.Smtp.SenderAuth;

/// <summary>The checks of one received message and the edits its delivered copy needs.</summary>
/// <param name="Authentication">The results, the field to prepend and the verdict.</param>
/// <param name="ForgedFields">Authentication-Results fields of the content claiming our authserv-id, to remove (offsets in the content).</param>
internal sealed record InboundCheck(SenderAuthentication Authentication, IReadOnlyList<RawHeaderField> ForgedFields);
