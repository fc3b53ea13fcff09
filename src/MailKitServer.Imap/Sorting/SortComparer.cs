namespace MailKitServer.Imap.Sorting;

/// <summary>
/// Orders messages by a SORT program (RFC 5256 §3): each criterion in turn, REVERSE inverting only its own key,
/// and the sequence number last, ascending even under REVERSE. Empty strings collate first.
/// </summary>
internal sealed class SortComparer(IReadOnlyList<SortCriterion> criteria) : IComparer<SortableMessage>
{
    /// <summary>The criteria, in priority order.</summary>
    public IReadOnlyList<SortCriterion> Criteria { get; } = criteria;

    /// <inheritdoc />
    public int Compare(SortableMessage x, SortableMessage y)
    {
        foreach (var criterion in Criteria)
        {
            var order = Compare(criterion.Field, x, y);
            if (order != 0)
            {
                return criterion.Reverse ? -order : order;
            }
        }

        return x.Sequence.CompareTo(y.Sequence);
    }

    /// <summary>Sorts messages in place.</summary>
    /// <param name="messages">The messages (the search result).</param>
    public void Sort(SortableMessage[] messages) => Array.Sort(messages, this);

    private static int Compare(SortField field, SortableMessage x, SortableMessage y) => field switch
    {
        SortField.Arrival => x.InternalDate.UtcTicks.CompareTo(y.InternalDate.UtcTicks),
        SortField.Date => x.SentDate.CompareTo(y.SentDate),
        SortField.Size => x.Size.CompareTo(y.Size),
        SortField.Subject => UnicodeCasemap.Compare(x.Data.Subject, y.Data.Subject),
        SortField.From => UnicodeCasemap.Compare(x.Data.From, y.Data.From),
        SortField.To => UnicodeCasemap.Compare(x.Data.To, y.Data.To),
        SortField.Cc => UnicodeCasemap.Compare(x.Data.Cc, y.Data.Cc),
        SortField.DisplayFrom => UnicodeCasemap.Compare(x.Data.DisplayFrom, y.Data.DisplayFrom),
        SortField.DisplayTo => UnicodeCasemap.Compare(x.Data.DisplayTo, y.Data.DisplayTo),
        _ => 0,
    };
}
