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
    // A store may leave the size, the internal date and the EMAILID to be read when first asked for (IMessageFacts); a
    // `with` that sets one of them replaces only that one.
    private readonly IMessageFacts? _lazySize;
    private readonly IMessageFacts? _lazyDate;
    private readonly IMessageFacts? _lazyEmailId;

    /// <summary>A message whose size, internal date and EMAILID <paramref name="facts"/> give when first asked for.</summary>
    internal MessageInfo(uint uid, SystemFlags flags, IReadOnlyList<string> keywords, IMessageFacts facts, ulong modSeq)
        : this(uid, flags, keywords, default, 0, modSeq)
    {
        _lazySize = facts;
        _lazyDate = facts;
        _lazyEmailId = facts;
    }

    /// <summary>The internal date (when the message was received or appended).</summary>
    public DateTimeOffset InternalDate
    {
        get => _lazyDate is { } facts ? facts.InternalDate : field;
        init
        {
            field = value;
            _lazyDate = null;
        }
    } = InternalDate;

    /// <summary>The size in octets, as stored (CRLF line ends).</summary>
    public long Size
    {
        get => _lazySize is { } facts ? facts.Size : field;
        init
        {
            field = value;
            _lazySize = null;
        }
    } = Size;

    /// <summary>
    /// <see cref="Size"/> when the store knows it without a look at the stored message, else -1: a reader that reads the
    /// whole content anyway reads to its end instead of having the store look the size up first (a first SEARCH TEXT
    /// over 20,000 messages another program wrote stat'ed every file for it, issue 24).
    /// </summary>
    internal long SizeIfKnown => _lazySize is { } facts ? facts.SizeIfKnown : Size;

    /// <summary>The size a whole read of the content found, for a store that has not looked it up yet.</summary>
    internal void SizeRead(long size) => _lazySize?.SizeRead(size);

    /// <summary>
    /// The message's EMAILID (RFC 8474 §5.1): an id of its immutable content, 1 to 255 of <c>A-Z a-z 0-9 _ -</c>,
    /// the same for the same message for good and kept by COPY and MOVE. <see langword="null"/> when the store keeps
    /// no object ids (then its accounts do not implement <see cref="IObjectIdMailAccount"/>).
    /// </summary>
    public string? EmailId
    {
        get => _lazyEmailId is { } facts ? facts.EmailId : field;
        init
        {
            field = value;
            _lazyEmailId = null;
        }
    }

    /// <summary>
    /// When the message was saved in this mailbox (RFC 8514 §3): set by APPEND, delivery, COPY and MOVE (never copied
    /// from the source), never changed while the message stays. <see langword="null"/> when the store does not keep it.
    /// </summary>
    public DateTimeOffset? SaveDate { get; init; }

    /// <summary>Whether both describe the same message state (by their values, however the store read them).</summary>
    /// <param name="other">The other message.</param>
    public bool Equals(MessageInfo? other) =>
        other is not null && Uid == other.Uid && Flags == other.Flags && Equals(Keywords, other.Keywords) && InternalDate.Equals(other.InternalDate)
        && Size == other.Size && ModSeq == other.ModSeq && EmailId == other.EmailId && Nullable.Equals(SaveDate, other.SaveDate);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Uid, Flags, Keywords, InternalDate, Size, ModSeq, EmailId, SaveDate);
}
