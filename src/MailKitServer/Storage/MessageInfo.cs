namespace MailKitServer.Storage;

/// <summary>What a store knows of one message without reading its content.</summary>
/// <param name="Uid">The UID, unique and ascending within the mailbox's UIDVALIDITY.</param>
/// <param name="Flags">The system flags.</param>
/// <param name="Keywords">The keywords (user flags), such as <c>$Forwarded</c>.</param>
/// <param name="InternalDate">The internal date (when the message was received or appended).</param>
/// <param name="Size">The size in octets, as stored (CRLF line ends).</param>
/// <param name="ModSeq">The modification sequence of the last change (RFC 7162).</param>
public sealed record MessageInfo(uint Uid, SystemFlags Flags, IReadOnlyList<string> Keywords, DateTimeOffset InternalDate, long Size, ulong ModSeq)
{
    /// <summary>
    /// The message's EMAILID (RFC 8474 §5.1): an id of its immutable content, 1 to 255 of <c>A-Z a-z 0-9 _ -</c>,
    /// the same for the same message for good and kept by COPY and MOVE. <see langword="null"/> when the store keeps
    /// no object ids (then its accounts do not implement <see cref="IObjectIdMailAccount"/>).
    /// </summary>
    public string? EmailId { get; init; }

    /// <summary>
    /// When the message was saved in this mailbox (RFC 8514 §3): set by APPEND, delivery, COPY and MOVE (never copied
    /// from the source), never changed while the message stays. <see langword="null"/> when the store does not keep it.
    /// </summary>
    public DateTimeOffset? SaveDate { get; init; }
}
