namespace MailKitServer.Storage.Maildir;

/// <summary>
/// The expunges of a folder that QRESYNC asks about (RFC 7162 §3.2.5.2): each UID with the MODSEQ of its expunge,
/// the oldest forgotten past <see cref="Capacity"/> (RFC 7162 §3.2.6 allows it), and the floor below which the history
/// no longer reaches.
/// </summary>
internal sealed class MaildirExpungeHistory
{
    /// <summary>How many expunges are remembered.</summary>
    public const int Capacity = 10_000;

    private readonly List<(uint Uid, ulong ModSeq)> _entries = [];

    /// <summary>Every expunge with a MODSEQ above this is remembered.</summary>
    public ulong Floor { get; private set; }

    /// <summary>The expunges remembered, oldest first.</summary>
    public IReadOnlyList<(uint Uid, ulong ModSeq)> Entries => _entries;

    public void Add(uint uid, ulong modSeq) => _entries.Add((uid, modSeq));

    /// <summary>Raises the floor (a saved index said so).</summary>
    public void RaiseFloor(ulong floor) => Floor = Math.Max(Floor, floor);

    /// <summary>Forgets every expunge: nothing is known below <paramref name="floor"/> (the index was lost or corrupt).</summary>
    public void Reset(ulong floor)
    {
        _entries.Clear();
        Floor = floor;
    }

    /// <summary>The UIDs expunged after a MODSEQ, or null when the history no longer reaches back that far.</summary>
    public UidSet? Since(ulong modSeq) => modSeq < Floor ? null : UidSet.FromUids(_entries.Where(e => e.ModSeq > modSeq).Select(e => e.Uid));

    /// <summary>Forgets the oldest expunges past the capacity, raising the floor to the newest one forgotten.</summary>
    public void Trim()
    {
        if (_entries.Count > Capacity)
        {
            var forget = _entries.Count - Capacity;
            Floor = Math.Max(Floor, _entries[forget - 1].ModSeq);
            _entries.RemoveRange(0, forget);
        }
    }
}
