namespace MailKitServer.Storage;

/// <summary>The outcome of a mailbox operation (create, rename, delete, subscribe).</summary>
/// <param name="Status">The outcome.</param>
/// <param name="Message">A human-readable explanation, for the protocol reply.</param>
public sealed record MailboxResult(StoreStatus Status, string? Message = null)
{
    /// <summary>The successful result.</summary>
    public static MailboxResult Ok { get; } = new(StoreStatus.Success);

    /// <summary>Whether the operation succeeded.</summary>
    public bool Succeeded => Status == StoreStatus.Success;
}
