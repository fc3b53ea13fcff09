namespace MailKitServer.Storage;

/// <summary>The outcome of a copy or move (UIDPLUS COPYUID).</summary>
/// <param name="Status">The outcome.</param>
/// <param name="UidValidity">The target's UIDVALIDITY.</param>
/// <param name="SourceUids">The source UIDs, in the order copied.</param>
/// <param name="TargetUids">The matching target UIDs.</param>
/// <param name="Message">An explanation when it failed.</param>
public sealed record CopyResult(StoreStatus Status, uint UidValidity, IReadOnlyList<uint> SourceUids, IReadOnlyList<uint> TargetUids, string? Message = null)
{
    /// <summary>Whether the copy succeeded.</summary>
    public bool Succeeded => Status == StoreStatus.Success;
}
