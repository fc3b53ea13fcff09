namespace MailKitServer.Storage.Maildir;

/// <summary>One message of a folder: its UID, where its file is (relative: new/... or cur/...), and its IMAP state.</summary>
internal sealed class MaildirEntry
{
    public uint Uid { get; init; }

    public required string Unique { get; init; }

    public required string RelativePath { get; set; }

    public SystemFlags Flags { get; set; }

    public IReadOnlyList<string> Keywords { get; set; } = [];

    public ulong ModSeq { get; set; }

    public DateTimeOffset InternalDate { get; init; }

    public long Size { get; init; }

    public MessageInfo ToInfo() => new(Uid, Flags, Keywords, InternalDate, Size, ModSeq);
}
