namespace MailKitServer.Storage;

/// <summary>The outcome of an expunge.</summary>
/// <param name="Status">The outcome.</param>
/// <param name="Expunged">The UIDs removed, ascending.</param>
/// <param name="HighestModSeq">The mailbox's HIGHESTMODSEQ afterwards.</param>
public sealed record ExpungeResult(StoreStatus Status, IReadOnlyList<uint> Expunged, ulong HighestModSeq);
