namespace MailKitServer.Storage;

/// <summary>What a store knows of one message without reading its content.</summary>
/// <param name="Uid">The UID, unique and ascending within the mailbox's UIDVALIDITY.</param>
/// <param name="Flags">The system flags.</param>
/// <param name="Keywords">The keywords (user flags), such as <c>$Forwarded</c>.</param>
/// <param name="InternalDate">The internal date (when the message was received or appended).</param>
/// <param name="Size">The size in octets, as stored (CRLF line ends).</param>
/// <param name="ModSeq">The modification sequence of the last change (RFC 7162).</param>
public sealed record MessageInfo(uint Uid, SystemFlags Flags, IReadOnlyList<string> Keywords, DateTimeOffset InternalDate, long Size, ulong ModSeq);
