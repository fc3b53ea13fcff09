using System.Threading.Channels;

namespace MailKitServer.Storage.InMemory;

/// <summary>One mailbox's state and the views open on it. Every member is used under the owning account's lock.</summary>
internal sealed class InMemoryMailbox(string name, MailboxRole role, uint uidValidity)
{
    private readonly List<InMemoryMessage> _messages = [];
    /// <summary>How many expunges are remembered for QRESYNC; older ones are forgotten (RFC 7162 §3.2.6 allows it).</summary>
    private const int ExpungeHistory = 100_000;
    private readonly List<(uint Uid, ulong ModSeq)> _expunged = [];
    private ulong _expungeFloor;
    private readonly List<(long ViewId, ChannelWriter<MailboxChange> Writer)> _views = [];

    public string Name { get; set; } = name;

    public MailboxRole Role { get; set; } = role;

    public uint UidValidity { get; } = uidValidity;

    /// <summary>The MAILBOXID (RFC 8474 §4): one per mailbox object, so per UIDVALIDITY.</summary>
    public string MailboxId { get; } = "F" + Guid.NewGuid().ToString("N")[..24];

    public uint UidNext { get; private set; } = 1;

    public ulong HighestModSeq { get; private set; } = 1;

    public IReadOnlyList<InMemoryMessage> Messages => _messages;

    public MailboxStatus GetStatus()
    {
        int unseen = 0, deleted = 0;
        long size = 0;
        foreach (var m in _messages)
        {
            if ((m.Flags & SystemFlags.Seen) == 0)
            {
                unseen++;
            }

            if ((m.Flags & SystemFlags.Deleted) != 0)
            {
                deleted++;
            }

            size += m.Content.Length;
        }

        return new MailboxStatus(Name, _messages.Count, unseen, UidValidity, UidNext, HighestModSeq, size, deleted);
    }

    // saveDate: when it is saved here (RFC 8514: now, also for a copy); emailId: the EMAILID of the message copied,
    // or null for a new message.
    public InMemoryMessage Add(MessageContent content, SystemFlags flags, IReadOnlyList<string> keywords, DateTimeOffset date, long origin, DateTimeOffset saveDate, string? emailId = null)
    {
        var message = new InMemoryMessage(UidNext++, content, flags, keywords, date, ++HighestModSeq, emailId ?? InMemoryMessage.NewEmailId(), saveDate);
        _messages.Add(message);
        Publish(new MailboxChange(MailboxChangeKind.Added, message.ToInfo(), message.Uid, HighestModSeq, origin));
        return message;
    }

    public InMemoryMessage? Find(uint uid) => UidSearch.IndexOf(_messages, uid, m => m.Uid) is var i and >= 0 ? _messages[i] : null;

    public void Touch(InMemoryMessage message, long origin)
    {
        message.ModSeq = ++HighestModSeq;
        Publish(new MailboxChange(MailboxChangeKind.FlagsChanged, message.ToInfo(), message.Uid, HighestModSeq, origin));
    }

    public List<uint> Remove(Func<InMemoryMessage, bool> predicate, long origin)
    {
        var removed = new List<uint>();
        for (var i = 0; i < _messages.Count; i++)
        {
            var m = _messages[i];
            if (!predicate(m))
            {
                continue;
            }

            _messages.RemoveAt(i--);
            removed.Add(m.Uid);
            _expunged.Add((m.Uid, ++HighestModSeq));
            if (_expunged.Count > ExpungeHistory + (ExpungeHistory / 10))
            {
                // Forgotten in bulk; every expunge after the floor is still known.
                var forget = _expunged.Count - ExpungeHistory;
                _expungeFloor = _expunged[forget - 1].ModSeq;
                _expunged.RemoveRange(0, forget);
            }

            Publish(new MailboxChange(MailboxChangeKind.Expunged, null, m.Uid, HighestModSeq, origin));
        }

        return removed;
    }

    /// <summary>The UIDs expunged after a MODSEQ, or null when the history forgot some of them.</summary>
    public UidSet? ExpungedSince(ulong modSeq) => modSeq < _expungeFloor ? null : UidSet.FromUids(_expunged.Where(e => e.ModSeq > modSeq).Select(e => e.Uid));

    public void Attach(long viewId, ChannelWriter<MailboxChange> writer) => _views.Add((viewId, writer));

    public void Detach(long viewId)
    {
        var i = _views.FindIndex(v => v.ViewId == viewId);
        if (i >= 0)
        {
            _views[i].Writer.TryComplete();
            _views.RemoveAt(i);
        }
    }

    public void Close()
    {
        Publish(new MailboxChange(MailboxChangeKind.MailboxGone, null, 0, HighestModSeq, 0));
        foreach (var v in _views)
        {
            v.Writer.TryComplete();
        }

        _views.Clear();
    }

    private void Publish(MailboxChange change)
    {
        foreach (var v in _views)
        {
            v.Writer.TryWrite(change);
        }
    }
}
