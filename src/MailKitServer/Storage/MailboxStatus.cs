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
public sealed record MailboxStatus(string Name, int Messages, int Unseen, uint UidValidity, uint UidNext, ulong HighestModSeq, long Size, int Deleted)
{
    // A store whose message sizes are read when first asked for (IMessageFacts) sums them when the total is asked for:
    // a SELECT does not need it, a STATUS (SIZE) does.
    private readonly Lazy<long>? _lazySize;

    /// <summary>Counters whose total size <paramref name="size"/> computes when first asked for (once).</summary>
    internal MailboxStatus(string name, int messages, int unseen, uint uidValidity, uint uidNext, ulong highestModSeq, Func<long> size, int deleted)
        : this(name, messages, unseen, uidValidity, uidNext, highestModSeq, 0, deleted) => _lazySize = new Lazy<long>(size);

    /// <summary>The total size in octets (RFC 8438 STATUS=SIZE).</summary>
    public long Size
    {
        get => _lazySize is { } lazy ? lazy.Value : field;
        init
        {
            field = value;
            _lazySize = null;
        }
    } = Size;

    /// <summary>Whether both hold the same counters (by their values, however the store computed them).</summary>
    /// <param name="other">The other counters.</param>
    public bool Equals(MailboxStatus? other) =>
        other is not null && Name == other.Name && Messages == other.Messages && Unseen == other.Unseen && UidValidity == other.UidValidity
        && UidNext == other.UidNext && HighestModSeq == other.HighestModSeq && Size == other.Size && Deleted == other.Deleted;

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Name, Messages, Unseen, UidValidity, UidNext, HighestModSeq, Size, Deleted);
}
