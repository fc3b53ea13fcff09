namespace MailKitServer.Storage;

/// <summary>A mailbox's counters (IMAP STATUS and SELECT).</summary>
/// <param name="Name">The mailbox name.</param>
/// <param name="Messages">How many messages it holds.</param>
/// <param name="Unseen">How many lack \Seen.</param>
/// <param name="UidValidity">The UIDVALIDITY.</param>
/// <param name="UidNext">The UID the next message will get.</param>
/// <param name="HighestModSeq">The highest MODSEQ of any change (RFC 7162).</param>
/// <param name="Size">The total size in octets (RFC 8438 STATUS=SIZE).</param>
/// <param name="Deleted">How many carry \Deleted.</param>
public sealed record MailboxStatus(string Name, int Messages, int Unseen, uint UidValidity, uint UidNext, ulong HighestModSeq, long Size, int Deleted);
