namespace MailKitServer.Storage.InMemory;

/// <summary>One stored message: its bytes and its mutable IMAP state, guarded by the account lock.</summary>
internal sealed class InMemoryMessage(uint uid, byte[] content, SystemFlags flags, IReadOnlyList<string> keywords, DateTimeOffset internalDate, ulong modSeq, string emailId, DateTimeOffset saveDate)
{
    public uint Uid { get; } = uid;

    public byte[] Content { get; } = content;

    public SystemFlags Flags { get; set; } = flags;

    public IReadOnlyList<string> Keywords { get; set; } = keywords;

    public DateTimeOffset InternalDate { get; } = internalDate;

    public ulong ModSeq { get; set; } = modSeq;

    /// <summary>The EMAILID (RFC 8474), kept by COPY and MOVE.</summary>
    public string EmailId { get; } = emailId;

    /// <summary>When the message was saved in its mailbox (RFC 8514).</summary>
    public DateTimeOffset SaveDate { get; } = saveDate;

    public MessageInfo ToInfo() => new(Uid, Flags, Keywords, InternalDate, Content.LongLength, ModSeq) { EmailId = EmailId, SaveDate = SaveDate };

    /// <summary>A new EMAILID: M and 24 hex digits, never the same twice.</summary>
    public static string NewEmailId() => "M" + Guid.NewGuid().ToString("N")[..24];
}
