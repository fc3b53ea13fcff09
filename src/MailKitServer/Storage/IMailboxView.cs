using System.Threading.Channels;

namespace MailKitServer.Storage;

/// <summary>
/// A selected mailbox: the snapshot taken when it was opened plus a feed of every later change, made by this view,
/// by other sessions, by delivery and (for shared stores) by other nodes. A protocol engine keeps its own
/// sequence-number map from <see cref="Messages"/> and applies <see cref="Changes"/> when its protocol allows.
/// </summary>
public interface IMailboxView : IAsyncDisposable
{
    /// <summary>The mailbox name.</summary>
    string Name { get; }

    /// <summary>Whether the view was opened read-only.</summary>
    bool IsReadOnly { get; }

    /// <summary>This view's id, matching <see cref="MailboxChange.Origin"/> for changes it made.</summary>
    long ViewId { get; }

    /// <summary>The status when the view was opened.</summary>
    MailboxStatus Status { get; }

    /// <summary>The messages when the view was opened, by ascending UID.</summary>
    IReadOnlyList<MessageInfo> Messages { get; }

    /// <summary>Every change after the snapshot, in the order the store applied them.</summary>
    ChannelReader<MailboxChange> Changes { get; }

    /// <summary>Opens a message's content, or a range of it, for reading.</summary>
    /// <param name="uid">The message UID.</param>
    /// <param name="offset">The first octet to read.</param>
    /// <param name="length">How many octets at most, or <see langword="null"/> for the rest.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A stream, or <see langword="null"/> when the message has been expunged.</returns>
    ValueTask<Stream?> OpenContentAsync(uint uid, long offset, long? length, CancellationToken cancellationToken);

    /// <summary>Appends a message to this mailbox. Returns once the message is durable.</summary>
    /// <param name="content">The message.</param>
    /// <param name="flags">The initial flags.</param>
    /// <param name="keywords">The initial keywords.</param>
    /// <param name="internalDate">The internal date, or <see langword="null"/> for now.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The outcome.</returns>
    ValueTask<AppendResult> AppendAsync(Stream content, SystemFlags flags, IReadOnlyCollection<string> keywords, DateTimeOffset? internalDate, CancellationToken cancellationToken);

    /// <summary>Changes flags and keywords of messages (IMAP STORE, with CONDSTORE's UNCHANGEDSINCE).</summary>
    /// <param name="uids">The messages.</param>
    /// <param name="change">Add, remove or replace, with the flags and keywords it applies to.</param>
    /// <param name="unchangedSince">Only change messages whose MODSEQ is at most this, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The messages changed and those skipped by <paramref name="unchangedSince"/>.</returns>
    ValueTask<StoreFlagsResult> StoreFlagsAsync(UidSet uids, FlagChange change, ulong? unchangedSince, CancellationToken cancellationToken);

    /// <summary>Copies or moves messages to another mailbox of the same account.</summary>
    /// <param name="uids">The messages.</param>
    /// <param name="target">The target mailbox name.</param>
    /// <param name="move">Whether to remove them from this mailbox (IMAP MOVE).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The outcome with source and target UIDs (UIDPLUS COPYUID).</returns>
    ValueTask<CopyResult> CopyAsync(UidSet uids, string target, bool move, CancellationToken cancellationToken);

    /// <summary>Removes messages that carry \Deleted, all of them or only those in <paramref name="uids"/> (UID EXPUNGE).</summary>
    /// <param name="uids">Limits the expunge to these UIDs, or <see langword="null"/> for all.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The UIDs removed.</returns>
    ValueTask<ExpungeResult> ExpungeAsync(UidSet? uids, CancellationToken cancellationToken);

    /// <summary>Removes the given messages whatever their flags (POP3's UPDATE state).</summary>
    /// <param name="uids">The messages to remove.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The UIDs removed.</returns>
    ValueTask<ExpungeResult> RemoveAsync(UidSet uids, CancellationToken cancellationToken);
}
