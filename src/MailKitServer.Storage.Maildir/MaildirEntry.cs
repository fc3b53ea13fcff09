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

    /// <summary>
    /// The EMAILID (RFC 8474 §5.1): for a message first stored here, derived from its unique name (so a rebuilt index
    /// gives the same id); for a copy, the source's, kept in the index.
    /// </summary>
    public string EmailId { get; set; } = string.Empty;

    /// <summary>When the message was saved in this folder (RFC 8514), or null for one an older index listed without it.</summary>
    public DateTimeOffset? SaveDate { get; set; }

    public MessageInfo ToInfo() => new(Uid, Flags, Keywords, InternalDate, Size, ModSeq) { EmailId = EmailId, SaveDate = SaveDate };

    /// <summary>The EMAILID of a message whose file has this unique name: M and 24 hex digits of its SHA-256.</summary>
    public static string EmailIdOf(string unique) =>
        "M" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(unique)))[..24];
}
