namespace MailKitServer.Storage.InMemory;

/// <summary>One stored message: its bytes and its mutable IMAP state, guarded by the account lock.</summary>
internal sealed class InMemoryMessage(uint uid, MessageContent content, SystemFlags flags, IReadOnlyList<string> keywords, DateTimeOffset internalDate, ulong modSeq, string emailId, DateTimeOffset saveDate)
{
    public uint Uid { get; } = uid;

    public MessageContent Content { get; } = content;

    public SystemFlags Flags { get; set; } = flags;

    public IReadOnlyList<string> Keywords { get; set; } = keywords;

    public DateTimeOffset InternalDate { get; } = internalDate;

    public ulong ModSeq { get; set; } = modSeq;

    /// <summary>The EMAILID (RFC 8474), kept by COPY and MOVE.</summary>
    public string EmailId { get; } = emailId;

    /// <summary>When the message was saved in its mailbox (RFC 8514).</summary>
    public DateTimeOffset SaveDate { get; } = saveDate;

    public MessageInfo ToInfo() => new(Uid, Flags, Keywords, InternalDate, Content.Length, ModSeq) { EmailId = EmailId, SaveDate = SaveDate };

    /// <summary>
    /// A new EMAILID: M and 24 hex digits, never the same twice: 56 random bits drawn once per process and a 40-bit count.
    /// A random GUID per message cost two system calls on every delivery (the runtime reads /dev/urandom and checks its
    /// process id), the in-memory store's only ones; RFC 8474 §5.1 asks for unique ids, not unguessable ones, and the
    /// store lives no longer than the process.
    /// </summary>
    public static string NewEmailId() => string.Create(25, Interlocked.Increment(ref _emailIdCount), static (chars, count) =>
    {
        chars[0] = 'M';
        EmailIdPrefix.TryFormat(chars[1..], out _, "x14", System.Globalization.CultureInfo.InvariantCulture);
        (count & 0xFF_FFFF_FFFF).TryFormat(chars[15..], out _, "x10", System.Globalization.CultureInfo.InvariantCulture);
    });

    private static readonly ulong EmailIdPrefix = BitConverter.ToUInt64(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8)) >> 8;

    private static long _emailIdCount;
}
