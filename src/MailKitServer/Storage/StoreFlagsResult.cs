namespace MailKitServer.Storage;

/// <summary>The outcome of a flag change.</summary>
/// <param name="Status">The outcome.</param>
/// <param name="Changed">The messages as they are after the change.</param>
/// <param name="Modified">UIDs not changed because their MODSEQ was above UNCHANGEDSINCE (RFC 7162 MODIFIED).</param>
public sealed record StoreFlagsResult(StoreStatus Status, IReadOnlyList<MessageInfo> Changed, IReadOnlyList<uint> Modified);
