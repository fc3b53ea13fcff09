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
    // `with` that sets one of them replaces only that one. One reference and a mask of what it still gives, not a
    // reference per fact: a store makes one of these per message for a mailbox's first view (20,000 for issue 24's).
    private const byte LazySize = 1, LazyDate = 2, LazyEmailId = 4;
    private readonly IMessageFacts? _facts;
    private readonly byte _lazy;

    // The save date as UTC ticks and an offset in minutes (long.MinValue: none), 14 octets less than a DateTimeOffset?.
    private readonly long _saveUtcTicks = long.MinValue;
    private readonly short _saveOffsetMinutes;

    /// <summary>A message whose size, internal date and EMAILID <paramref name="facts"/> give when first asked for.</summary>
    internal MessageInfo(uint uid, SystemFlags flags, IReadOnlyList<string> keywords, IMessageFacts facts, ulong modSeq)
        : this(uid, flags, keywords, default, 0, modSeq)
    {
        _facts = facts;
        _lazy = LazySize | LazyDate | LazyEmailId;
    }

    /// <summary>The internal date (when the message was received or appended).</summary>
    public DateTimeOffset InternalDate
    {
        get => (_lazy & LazyDate) != 0 ? _facts!.InternalDate : field;
        init
        {
            field = value;
            _lazy &= unchecked((byte)~LazyDate);
        }
    } = InternalDate;

    /// <summary>The size in octets, as stored (CRLF line ends).</summary>
    public long Size
    {
        get => (_lazy & LazySize) != 0 ? _facts!.Size : field;
        init
        {
            field = value;
            _lazy &= unchecked((byte)~LazySize);
        }
    } = Size;

    /// <summary>
    /// <see cref="Size"/> when the store knows it without a look at the stored message, else -1: a reader that reads the
    /// whole content anyway reads to its end instead of having the store look the size up first (a first SEARCH TEXT
    /// over 20,000 messages another program wrote stat'ed every file for it, issue 24).
    /// </summary>
    internal long SizeIfKnown => (_lazy & LazySize) != 0 ? _facts!.SizeIfKnown : Size;

    /// <summary>The size a whole read of the content found, for a store that has not looked it up yet.</summary>
    internal void SizeRead(long size)
    {
        if ((_lazy & LazySize) != 0)
        {
            _facts!.SizeRead(size);
        }
    }

    /// <summary>
    /// The message's EMAILID (RFC 8474 §5.1): an id of its immutable content, 1 to 255 of <c>A-Z a-z 0-9 _ -</c>,
    /// the same for the same message for good and kept by COPY and MOVE. <see langword="null"/> when the store keeps
    /// no object ids (then its accounts do not implement <see cref="IObjectIdMailAccount"/>).
    /// </summary>
    public string? EmailId
    {
        get => (_lazy & LazyEmailId) != 0 ? _facts!.EmailId : field;
        init
        {
            field = value;
            _lazy &= unchecked((byte)~LazyEmailId);
        }
    }

    /// <summary>
    /// When the message was saved in this mailbox (RFC 8514 §3): set by APPEND, delivery, COPY and MOVE (never copied
    /// from the source), never changed while the message stays. <see langword="null"/> when the store does not keep it.
    /// </summary>
    public DateTimeOffset? SaveDate
    {
        get => _saveUtcTicks == long.MinValue ? null : new DateTimeOffset(_saveUtcTicks, TimeSpan.Zero).ToOffset(TimeSpan.FromMinutes(_saveOffsetMinutes));
        init => (_saveUtcTicks, _saveOffsetMinutes) = value is { } date ? (date.UtcTicks, (short)date.TotalOffsetMinutes) : (long.MinValue, (short)0);
    }

    /// <summary>Whether both describe the same message state (by their values, however the store read them).</summary>
    /// <param name="other">The other message.</param>
    public bool Equals(MessageInfo? other) =>
        other is not null && Uid == other.Uid && Flags == other.Flags && Equals(Keywords, other.Keywords) && InternalDate.Equals(other.InternalDate)
        && Size == other.Size && ModSeq == other.ModSeq && EmailId == other.EmailId && Nullable.Equals(SaveDate, other.SaveDate);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Uid, Flags, Keywords, InternalDate, Size, ModSeq, EmailId, SaveDate);
}
