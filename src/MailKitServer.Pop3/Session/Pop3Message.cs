namespace MailKitServer.Pop3.Session;

/// <summary>A message of the maildrop as the session numbered it.</summary>
internal sealed class Pop3Message(uint uid, long size, string uniqueId)
{
    public uint Uid { get; } = uid;

    public long Size { get; } = size;

    public string UniqueId { get; } = uniqueId;

    public bool Deleted { get; set; }
}
