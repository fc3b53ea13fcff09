namespace MailKitServer.Storage;

/// <summary>The outcome of an append (UIDPLUS APPENDUID).</summary>
/// <param name="Status">The outcome.</param>
/// <param name="UidValidity">The target mailbox's UIDVALIDITY.</param>
/// <param name="Uid">The new message's UID.</param>
/// <param name="Message">An explanation when it failed.</param>
public sealed record AppendResult(StoreStatus Status, uint UidValidity = 0, uint Uid = 0, string? Message = null)
{
    /// <summary>Whether the append succeeded.</summary>
    public bool Succeeded => Status == StoreStatus.Success;
}
