namespace MailKitServer.Storage;

/// <summary>
/// A selected mailbox whose store keeps RFC 7162 mod-sequences persistently: every change gives the message a MODSEQ
/// higher than any before in the mailbox (across restarts too), <see cref="MailboxStatus.HighestModSeq"/> is the
/// highest, and expunges are remembered with theirs. IMAP offers CONDSTORE and QRESYNC on such a mailbox; a view
/// without this interface is announced with NOMODSEQ, and the commands that need mod-sequences are refused for it.
/// </summary>
public interface IModSeqMailboxView : IMailboxView
{
    /// <summary>The UIDs expunged after a MODSEQ (QRESYNC VANISHED).</summary>
    /// <param name="modSeq">The MODSEQ the client knew.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>
    /// The UIDs expunged since then, or <see langword="null"/> when the store's expunge history no longer reaches back
    /// that far (the engine then reports every UID it cannot find, which RFC 7162 §3.2.6 allows).
    /// </returns>
    ValueTask<UidSet?> ExpungedSinceAsync(ulong modSeq, CancellationToken cancellationToken);
}
