using System.Text;
using MailKitServer.Imap.Parsing;
using MailKitServer.Imap.Responses;
using MailKitServer.Imap.Search;
using MailKitServer.Storage;
using MailKitServer.Storage.Acl;

namespace MailKitServer.Imap.Session;

/// <summary>
/// The client's picture of the selected mailbox (RFC 9051 §5.2, §7.5; RFC 3501 §7.4.1): sequence numbers mapped to
/// UIDs, each message's flags, and the keywords announced in FLAGS. The store's change feed is read into it at any
/// time (<see cref="Sync"/>), but the client's view changes only when it is told (<see cref="Flush"/>):
/// <list type="bullet">
/// <item>a message the store expunged keeps its sequence number, marked <see cref="ViewEntry.Expunged"/>, until an
/// EXPUNGE (or VANISHED) may be sent;</item>
/// <item>a message the store added is not numbered until "* n EXISTS" announces it, so no response names a
/// sequence number the client has not been given;</item>
/// <item>flag changes keep only the newest MODSEQ, so a late notice never makes flags go back;</item>
/// <item>a keyword is announced with FLAGS and PERMANENTFLAGS before any FETCH shows it.</item>
/// </list>
/// </summary>
internal sealed partial class SelectedMailbox
{
    // The five below are made on first use: most views never need them, and 10,000 sessions idling on a mailbox keep
    // about 0.3 KB each less.
    private List<MessageInfo>? _unannounced;
    private HashSet<ViewEntry>? _dirty;
    private HashSet<string>? _keywords; // made when the mailbox has (or gets) a keyword
    private HashSet<uint>? _recent;
    private HashSet<uint>? _touched;
    private readonly RecentTracker _recentTracker;
    private readonly StructureCache _structures;
    private int _expunged;
    private string? _name;

    public SelectedMailbox(IMailboxView view, RecentTracker recent, string key, StructureCache structures)
    {
        View = view;
        Key = key;
        _recentTracker = recent;
        _structures = structures;
        // Read once: a store may make a new list at each read (samples/CustomStore's view copies its folder's).
        _snapshot = view.Messages;
        AddKeywordsOf(_snapshot);

        HighestModSeq = view.Status.HighestModSeq;
    }

    public IMailboxView View { get; }

    /// <summary>Names this mailbox incarnation (user, name, UIDVALIDITY) in server-wide tables.</summary>
    public string Key { get; }

    public bool ReadOnly => View.IsReadOnly;

    /// <summary>The mailbox's name as the session gives it (the view's own name is the one in its owner's tree).</summary>
    public string Name { get => _name ?? View.Name; init => _name = value; }

    /// <summary>The user's rights on the mailbox, as they were at SELECT (RFC 4314 §5.1.1); every right without ACLs.</summary>
    public MailboxRights Rights { get; init; } = MailboxRights.All;

    /// <summary>The largest UID the client knows, 0 when empty ("*" in a UID set).</summary>
    public uint LargestUid => Count == 0 ? 0 : UidAt(Count - 1);

    /// <summary>Whether the mailbox was deleted or renamed away under this session.</summary>
    public bool Gone { get; private set; }

    /// <summary>The highest MODSEQ of the changes read from the store (RFC 7162 HIGHESTMODSEQ).</summary>
    public ulong HighestModSeq { get; private set; }

    /// <summary>Whether the store keeps mod-sequences for this mailbox (RFC 7162: HIGHESTMODSEQ, else NOMODSEQ).</summary>
    public bool SupportsModSeq => View is IModSeqMailboxView;

    /// <summary>"* OK [HIGHESTMODSEQ n]" or "* OK [NOMODSEQ]" (RFC 7162 §3.1.2).</summary>
    public string ModSeqResponse() => SupportsModSeq
        ? $"* OK [HIGHESTMODSEQ {HighestModSeq}] Highest\r\n"
        : "* OK [NOMODSEQ] No permanent modsequences\r\n";

    /// <summary>Whether an expunge the client has not been told about is pending.</summary>
    public bool HasPendingExpunges => _expunged > 0;

    /// <summary>The keywords announced to the client (FLAGS), which only grow while the mailbox is selected.</summary>
    public IReadOnlyCollection<string> Keywords => (IReadOnlyCollection<string>?)_keywords ?? [];

    /// <summary>The UIDs SEARCH RETURN (SAVE) kept for "$" (RFC 5182); empty until a search saves one.</summary>
    public UidSet SavedUids { get; set; } = UidSet.Empty;

    /// <summary>The RETURN (UPDATE) contexts kept current while this mailbox is selected (RFC 5267 §4.3).</summary>
    public UpdateContexts Contexts { get; } = new();

    /// <summary>
    /// The UIDs of known messages whose flags changed or that were expunged since the last call, in ascending order,
    /// while update contexts are active (they need re-evaluating).
    /// </summary>
    /// <returns>The UIDs.</returns>
    public List<uint> TakeTouched()
    {
        if (_touched is null)
        {
            return [];
        }

        var uids = _touched.Order().ToList();
        _touched.Clear();
        return uids;
    }

    /// <summary>How many messages are \Recent in this session.</summary>
    public int RecentCount => _recent?.Count ?? 0;

    /// <summary>Whether the message is \Recent in this session (RFC 3501 §2.3.2).</summary>
    public bool IsRecent(uint uid) => _recent?.Contains(uid) == true;

    /// <summary>
    /// Takes this session's share of \Recent for the messages it knows: a read-write session claims the UIDs no
    /// session has claimed yet; a read-only one (EXAMINE) sees them as recent without claiming them.
    /// </summary>
    public void ClaimRecent()
    {
        var count = Count;
        if (count == 0)
        {
            return;
        }

        var newest = UidAt(count - 1);
        var previous = ReadOnly ? _recentTracker.Claimed(Key) : _recentTracker.Claim(Key, newest);
        var first = Bound(previous, inclusive: true);
        if (first == count)
        {
            return;
        }

        // Sized once: the first session on a mailbox of 20,000 new messages grew the set from empty (issue 24).
        _recent ??= new HashSet<uint>(count - first);
        for (var i = first; i < count; i++)
        {
            _recent.Add(UidAt(i));
        }
    }

    /// <summary>The index of a UID the client knows, or -1.</summary>
    public int IndexOfUid(uint uid) => Bound(uid, inclusive: false) is var i && i < Count && UidAt(i) == uid ? i : -1;

    /// <summary>The messages (indexes) a sequence set names, by sequence number or by UID, in ascending order.</summary>
    public List<int> Resolve(SequenceSet set, bool byUid)
    {
        var result = new List<int>();
        var count = Count;
        if (count == 0)
        {
            return result;
        }

        if (set.IsSaved)
        {
            // "$" names the saved messages, whether the command works by sequence number or by UID.
            for (var i = 0; i < count; i++)
            {
                if (SavedUids.Contains(UidAt(i)))
                {
                    result.Add(i);
                }
            }

            return result;
        }

        var largest = byUid ? LargestUid : (uint)count;
        foreach (var (first, last) in set.Merged(largest))
        {
            // By number: indexes first-1..last-1; by UID: the entries whose UIDs fall in the range (binary search).
            var start = byUid ? Bound(first, inclusive: false) : (int)Math.Min(first - 1, (uint)count);
            var end = byUid ? Bound(last, inclusive: true) : (int)Math.Min(last, (uint)count);
            for (var i = start; i < end; i++)
            {
                result.Add(i);
            }
        }

        return result;
    }

    /// <summary>The index of the first entry whose UID is above <paramref name="uid"/> (inclusive: at or below it counts as before).</summary>
    private int Bound(uint uid, bool inclusive)
    {
        int lo = 0, hi = Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            var at = UidAt(mid);
            if (at < uid || (inclusive && at == uid))
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    /// <summary>Sequence numbers beyond the mailbox, or "*" in an empty one, are errors; UIDs are not.</summary>
    public bool IsValidSet(SequenceSet set, bool uid) => uid || set.IsSaved || (Count > 0 && set.MaxExplicit <= Count);

    /// <summary>Reads the store's change feed into the view without telling the client anything yet.</summary>
    public void Sync()
    {
        while (View.Changes.TryRead(out var change))
        {
            Apply(change);
        }
    }

    /// <summary>
    /// Tells the client what changed, as far as the protocol allows now: EXPUNGE (or VANISHED with QRESYNC) when
    /// <paramref name="allowExpunge"/>, then EXISTS for new messages, then FETCH for flags changed elsewhere.
    /// </summary>
    /// <param name="allowExpunge">Whether EXPUNGE responses may be sent now (RFC 3501 §7.4.1).</param>
    /// <param name="enabled">The session's extensions: RECENT for IMAP4rev1, MODSEQ with CONDSTORE, VANISHED with QRESYNC.</param>
    /// <param name="output">Receives the responses.</param>
    /// <param name="sync">Whether the store's feed is read first (not when the caller just did and reported on it).</param>
    public void Flush(bool allowExpunge, ImapExtensions enabled, Action<string> output, bool sync = true)
    {
        if (sync)
        {
            Sync();
        }

        if (allowExpunge && _expunged > 0)
        {
            SendExpunges(enabled, output);
        }

        if (_unannounced is { Count: > 0 })
        {
            var entries = Entries;
            foreach (var m in _unannounced)
            {
                entries.Add(new ViewEntry(m));
            }

            _unannounced.Clear();
            ClaimRecent();
            output($"* {entries.Count} EXISTS\r\n");
            if ((enabled & ImapExtensions.Imap4rev2) == 0)
            {
                // RFC 3501 §7.3.2: RECENT is sent with the new count of \Recent messages.
                output($"* {RecentCount} RECENT\r\n");
            }
        }

        if (_dirty is { Count: > 0 })
        {
            foreach (var entry in _dirty.OrderBy(e => e.Uid).ToList())
            {
                var index = IndexOfUid(entry.Uid);
                if (index >= 0 && !entry.Expunged)
                {
                    // RFC 9051 §7.5.2: an unsolicited FETCH carries the UID.
                    output(FlagsFetch(index, withUid: true, enabled));
                }
            }

            _dirty.Clear();
        }
    }

    /// <summary>
    /// "* n FETCH (FLAGS ...)" for a message, with its keywords announced first; the message counts as reported.
    /// </summary>
    /// <param name="index">The sequence number minus one.</param>
    /// <param name="withUid">Whether the UID goes in (UID commands, unsolicited updates).</param>
    /// <param name="enabled">The session's extensions (\Recent for IMAP4rev1, MODSEQ with CONDSTORE).</param>
    /// <returns>The response line, preceded by FLAGS/PERMANENTFLAGS when a keyword is new.</returns>
    public string FlagsFetch(int index, bool withUid, ImapExtensions enabled)
    {
        var entry = Entries[index];
        var sb = new StringBuilder(Announce(entry.Info.Keywords));
        var uidOnly = (enabled & ImapExtensions.UidOnly) != 0;
        AppendResponseStart(index, uidOnly, sb);

        // RFC 7162 §3.2.4: once CONDSTORE is on, a QRESYNC server puts UID and MODSEQ in every FETCH about flags.
        // RFC 9586 §3: a UIDFETCH response already starts with the UID.
        if (!uidOnly && (withUid || (enabled & ImapExtensions.CondStore) != 0))
        {
            sb.Append("UID ").Append(entry.Uid).Append(' ');
        }

        sb.Append("FLAGS ").Append(FlagsOf(entry.Info, enabled));
        if ((enabled & ImapExtensions.CondStore) != 0)
        {
            sb.Append(" MODSEQ (").Append(entry.Info.ModSeq).Append(')');
        }

        _dirty?.Remove(entry);
        return sb.Append(")\r\n").ToString();
    }

    /// <summary>
    /// "* n FETCH (" with the sequence number, or "* uid UIDFETCH (" once UIDONLY is enabled (RFC 9586 §3: every FETCH
    /// response, solicited or not, becomes UIDFETCH).
    /// </summary>
    /// <param name="index">The sequence number minus one.</param>
    /// <param name="uidOnly">Whether UIDONLY is enabled.</param>
    /// <param name="line">Receives the start of the response.</param>
    /// <returns><paramref name="line"/>.</returns>
    public StringBuilder AppendResponseStart(int index, bool uidOnly, StringBuilder line) => uidOnly
        ? line.Append("* ").Append(UidAt(index)).Append(" UIDFETCH (")
        : line.Append("* ").Append(index + 1).Append(" FETCH (");

    /// <summary>A message's flag list as this session shows it: \Recent only for IMAP4rev1 (RFC 9051 removed it).</summary>
    public string FlagsOf(MessageInfo info, ImapExtensions enabled) =>
        ImapFormat.Flags(info.Flags, info.Keywords, (enabled & ImapExtensions.Imap4rev2) == 0 && IsRecent(info.Uid));

    /// <summary>Marks a message's flags as reported to the client (a FETCH FLAGS written by a command).</summary>
    public void Reported(ViewEntry entry) => _dirty?.Remove(entry);

    /// <summary>
    /// The FLAGS and PERMANENTFLAGS responses for the keywords not announced yet, or an empty string; afterwards they
    /// count as announced (the client learns them before any FETCH uses them).
    /// </summary>
    public string Announce(IReadOnlyList<string> keywords)
    {
        var added = false;
        foreach (var k in keywords)
        {
            added |= (_keywords ??= new HashSet<string>(StringComparer.OrdinalIgnoreCase)).Add(k);
        }

        return added ? FlagsResponses() : string.Empty;
    }

    /// <summary>"* FLAGS (...)" and "* OK [PERMANENTFLAGS (...)]" with every keyword announced so far.</summary>
    public string FlagsResponses()
    {
        var keywords = _keywords?.Order(StringComparer.Ordinal).ToList() ?? [];
        var sb = new StringBuilder("* FLAGS ")
            .Append(ImapFormat.Flags(SystemFlags.Seen | SystemFlags.Answered | SystemFlags.Flagged | SystemFlags.Deleted | SystemFlags.Draft, keywords))
            .Append("\r\n");
        if (ReadOnly)
        {
            return sb.Append("* OK [PERMANENTFLAGS ()] Read-only mailbox\r\n").ToString();
        }

        // RFC 4314 §5.1.1: PERMANENTFLAGS shows only the flags the user's rights let it change.
        var (permitted, _) = Acl.MailboxAccess.Permitted(Rights, SystemFlags.Answered | SystemFlags.Flagged | SystemFlags.Deleted | SystemFlags.Seen | SystemFlags.Draft, []);
        var flags = new List<string>();
        foreach (var (flag, text) in new[] { (SystemFlags.Answered, "\\Answered"), (SystemFlags.Flagged, "\\Flagged"), (SystemFlags.Deleted, "\\Deleted"), (SystemFlags.Seen, "\\Seen"), (SystemFlags.Draft, "\\Draft") })
        {
            if ((permitted & flag) != 0)
            {
                flags.Add(text);
            }
        }

        if ((Rights & MailboxRights.Write) != 0)
        {
            flags.AddRange(keywords);
            flags.Add("\\*");
        }

        return sb.Append("* OK [PERMANENTFLAGS (").Append(string.Join(' ', flags)).Append(")] Flags permitted\r\n").ToString();
    }

    /// <summary>
    /// The UIDs for a VANISHED (EARLIER) response (RFC 7162 §3.2.5.1, §3.2.6): those in <paramref name="ranges"/>
    /// expunged after <paramref name="modSeq"/> and above <paramref name="knownUpTo"/>. When the store's expunge
    /// history does not reach back that far, every UID of the ranges below UIDNEXT that the mailbox lacks is
    /// reported, as RFC 7162 §3.2.6 asks. UIDs still in this session's view are left to a later VANISHED.
    /// </summary>
    /// <param name="modSeq">The mod-sequence the client knew.</param>
    /// <param name="ranges">The UIDs the client asks about, ascending and disjoint.</param>
    /// <param name="knownUpTo">The client knows every expunge up to this UID (sequence match data), or 0.</param>
    /// <param name="cancellationToken">Cancels the store read.</param>
    /// <returns>The UIDs.</returns>
    public async ValueTask<UidSet> VanishedSinceAsync(ulong modSeq, IReadOnlyList<(uint First, uint Last)> ranges, uint knownUpTo, CancellationToken cancellationToken)
    {
        if (View is not IModSeqMailboxView modSeqView || ranges.Count == 0)
        {
            return UidSet.Empty;
        }

        var expunged = await modSeqView.ExpungedSinceAsync(modSeq, cancellationToken).ConfigureAwait(false);
        var result = new List<UidRange>();
        if (expunged is not null)
        {
            foreach (var uid in expunged)
            {
                if (uid > knownUpTo && InRanges(ranges, uid) && IndexOfUid(uid) < 0)
                {
                    result.Add(new UidRange(uid, uid));
                }
            }

            return UidSet.FromRanges(result);
        }

        // No history: every UID asked about that is neither in the mailbox nor new since the snapshot.
        var ceiling = View.Status.UidNext - 1;
        foreach (var (first, last) in ranges)
        {
            var from = Math.Max(first, knownUpTo == uint.MaxValue ? uint.MaxValue : knownUpTo + 1);
            var to = Math.Min(last, ceiling);
            var i = Bound(from, inclusive: false);
            for (var next = from; next <= to && next >= from;)
            {
                var present = i < Count ? UidAt(i) : uint.MaxValue;
                if (present > to)
                {
                    result.Add(new UidRange(next, to));
                    break;
                }

                if (present > next)
                {
                    result.Add(new UidRange(next, present - 1));
                }

                next = present + 1;
                i++;
                if (present == uint.MaxValue)
                {
                    break;
                }
            }
        }

        return UidSet.FromRanges(result);
    }

    /// <summary>Takes the store's answer to this session's own change (STORE, implicit \Seen) into the view.</summary>
    public ViewEntry? Update(MessageInfo info)
    {
        var i = IndexOfUid(info.Uid);
        if (i < 0)
        {
            return null;
        }

        var entry = Entries[i];
        if (info.ModSeq >= entry.Info.ModSeq)
        {
            entry.Info = info;
            Touch(info.Uid);
        }

        return entry;
    }

    /// <summary>Whether a UID lies in ascending, disjoint ranges (binary search).</summary>
    public static bool InRanges(IReadOnlyList<(uint First, uint Last)> ranges, uint uid)
    {
        int lo = 0, hi = ranges.Count - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            if (uid < ranges[mid].First)
            {
                hi = mid - 1;
            }
            else if (uid > ranges[mid].Last)
            {
                lo = mid + 1;
            }
            else
            {
                return true;
            }
        }

        return false;
    }
}
