using MailKitServer.Imap.Parsing;

namespace MailKitServer.Imap.Commands;

/// <summary>
/// SELECT ... (QRESYNC (uidvalidity mod-sequence [known-uids [(known-sequence-set known-uid-set)]])) (RFC 7162 §3.2.5).
/// </summary>
/// <param name="UidValidity">The last known UIDVALIDITY.</param>
/// <param name="ModSeq">The last known mod-sequence.</param>
/// <param name="KnownUids">The UIDs the client knows, or null for 1:(UIDNEXT-1).</param>
/// <param name="SequenceMatch">Known (sequence number, UID) pairs in ascending order, or empty.</param>
internal sealed record QResyncParameter(uint UidValidity, ulong ModSeq, SequenceSet? KnownUids, IReadOnlyList<(uint Sequence, uint Uid)> SequenceMatch)
{
    /// <summary>Parses the list's items.</summary>
    public static bool TryParse(IReadOnlyList<ImapToken> items, out QResyncParameter? parameter)
    {
        parameter = null;
        if (items.Count is < 2 or > 4 || items[0].Kind != ImapTokenKind.Atom || items[1].Kind != ImapTokenKind.Atom
            || !ImapNumber.TryParseNzNumber(items[0].Text, out var validity) || !ImapNumber.TryParseNumber64(items[1].Text, out var modSeq) || modSeq == 0)
        {
            return false;
        }

        SequenceSet? known = null;
        if (items.Count >= 3 && (items[2].Kind != ImapTokenKind.Atom || !SequenceSet.TryParse(items[2].Text, out known) || known.IsSaved))
        {
            return false;
        }

        var pairs = new List<(uint, uint)>();
        if (items.Count == 4)
        {
            // seq-match-data = "(" known-sequence-set SP known-uid-set ")": the same count of numbers, both ascending.
            var match = items[3];
            if (match.Kind != ImapTokenKind.List || match.Items.Count != 2 || match.Items.Any(t => t.Kind != ImapTokenKind.Atom)
                || !TryExpand(match.Items[0].Text, out var sequences) || !TryExpand(match.Items[1].Text, out var uids) || sequences.Count != uids.Count)
            {
                return false;
            }

            for (var i = 0; i < sequences.Count; i++)
            {
                pairs.Add((sequences[i], uids[i]));
            }
        }

        parameter = new QResyncParameter(validity, (ulong)modSeq, known, pairs);
        return true;
    }

    /// <summary>Expands an ascending set of explicit numbers (no "*"), at most 10,000 of them.</summary>
    private static bool TryExpand(string text, out List<uint> numbers)
    {
        numbers = [];
        foreach (var part in text.Split(','))
        {
            var colon = part.IndexOf(':', StringComparison.Ordinal);
            if (!ImapNumber.TryParseNzNumber(colon < 0 ? part : part.AsSpan(0, colon), out var first))
            {
                return false;
            }

            var last = first;
            if (colon >= 0 && !ImapNumber.TryParseNzNumber(part.AsSpan(colon + 1), out last))
            {
                return false;
            }

            if (last < first || (numbers.Count > 0 && first <= numbers[^1]) || numbers.Count + (long)(last - first) >= 10_000)
            {
                return false;
            }

            for (var n = first; ; n++)
            {
                numbers.Add(n);
                if (n == last)
                {
                    break;
                }
            }
        }

        return true;
    }
}
