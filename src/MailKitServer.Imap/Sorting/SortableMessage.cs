namespace MailKitServer.Imap.Sorting;

/// <summary>A message as SORT and THREAD see it: its place in the mailbox, its metadata and its header data.</summary>
/// <param name="Sequence">The message sequence number (the implicit last sort key, RFC 5256 §3).</param>
/// <param name="Uid">The UID.</param>
/// <param name="InternalDate">The internal date (ARRIVAL; the sent date when Date is missing).</param>
/// <param name="Size">The size in octets (SIZE).</param>
/// <param name="Data">The header data.</param>
internal readonly record struct SortableMessage(int Sequence, uint Uid, DateTimeOffset InternalDate, long Size, MessageSortData Data)
{
    /// <summary>The sent date in UTC ticks; the internal date when the Date header gives none (RFC 5256 §2.2).</summary>
    public long SentDate => Data.SentDate ?? InternalDate.UtcTicks;

    /// <summary>The number a response names: the UID for UID SORT/THREAD, else the sequence number.</summary>
    /// <param name="uid">Whether the command was a UID command.</param>
    /// <returns>The number.</returns>
    public uint Number(bool uid) => uid ? Uid : (uint)Sequence;
}
