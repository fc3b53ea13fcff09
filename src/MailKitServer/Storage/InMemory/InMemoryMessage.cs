namespace MailKitServer.Storage.InMemory;

/// <summary>One stored message: its bytes and its mutable IMAP state, guarded by the account lock.</summary>
internal sealed class InMemoryMessage(uint uid, byte[] content, SystemFlags flags, IReadOnlyList<string> keywords, DateTimeOffset internalDate, ulong modSeq)
{
    public uint Uid { get; } = uid;

    public byte[] Content { get; } = content;

    public SystemFlags Flags { get; set; } = flags;

    public IReadOnlyList<string> Keywords { get; set; } = keywords;

    public DateTimeOffset InternalDate { get; } = internalDate;

    public ulong ModSeq { get; set; } = modSeq;

    public MessageInfo ToInfo() => new(Uid, Flags, Keywords, InternalDate, Content.LongLength, ModSeq);
}
