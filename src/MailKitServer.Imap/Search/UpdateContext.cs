using MailKitServer.Imap.Sorting;

namespace MailKitServer.Imap.Search;

/// <summary>
/// A searching command given RETURN (UPDATE) (RFC 5267 §4.3): its search key and order, and its results, which
/// <see cref="ContextUpdater"/> keeps current as messages arrive, change flags and go.
/// </summary>
internal sealed class UpdateContext
{
    private readonly Dictionary<uint, SortableMessage>? _sortData;
    private readonly SortComparer? _comparer;

    private UpdateContext(string tag, bool uid, SearchKey key, SortComparer? comparer, IEnumerable<SortableMessage> sorted, IEnumerable<uint> uids)
    {
        Key = key;
        _comparer = comparer;
        if (comparer is not null)
        {
            // Sort keys never change (a message's header and date are fixed); the sequence number is replaced by the
            // UID as the last key, as it stays in step with it while numbers shift.
            _sortData = sorted.ToDictionary(m => m.Uid, m => m with { Sequence = 0 });
        }

        Results = new ResultContext(tag, uid, comparer is null ? null : Comparer<uint>.Create(CompareSorted), uids);
    }

    /// <summary>The searching command's key.</summary>
    public SearchKey Key { get; }

    /// <summary>Whether this is a SORT context, whose additions need the message's sort data.</summary>
    public bool IsSorted => _comparer is not null;

    /// <summary>The results, in the requested order.</summary>
    public ResultContext Results { get; }

    /// <summary>A SEARCH or UID SEARCH context: mailbox order.</summary>
    /// <param name="tag">The command's tag.</param>
    /// <param name="uid">Whether it was UID SEARCH.</param>
    /// <param name="key">The search key.</param>
    /// <param name="uids">The results, ascending.</param>
    /// <returns>The context.</returns>
    public static UpdateContext ForSearch(string tag, bool uid, SearchKey key, IEnumerable<uint> uids) => new(tag, uid, key, null, [], uids);

    /// <summary>A SORT or UID SORT context (CONTEXT=SORT): the sort order.</summary>
    /// <param name="tag">The command's tag.</param>
    /// <param name="uid">Whether it was UID SORT.</param>
    /// <param name="key">The search key.</param>
    /// <param name="criteria">The sort criteria.</param>
    /// <param name="sorted">The results with their sort data, in the sort order.</param>
    /// <returns>The context.</returns>
    public static UpdateContext ForSort(string tag, bool uid, SearchKey key, IReadOnlyList<SortCriterion> criteria, IReadOnlyList<SortableMessage> sorted) =>
        new(tag, uid, key, new SortComparer(criteria), sorted, sorted.Select(m => m.Uid));

    /// <summary>Adds a message to the results where the order puts it.</summary>
    /// <param name="uid">The UID, not a result yet.</param>
    /// <param name="sortData">Its sort data, for a SORT context.</param>
    /// <returns>Its 1-based position.</returns>
    public int Add(uint uid, SortableMessage? sortData)
    {
        if (_sortData is not null)
        {
            _sortData[uid] = sortData!.Value with { Sequence = 0 };
        }

        return Results.Add(uid);
    }

    /// <summary>Removes a message from the results.</summary>
    /// <param name="uid">The UID, a result.</param>
    /// <returns>Its 1-based position before removal.</returns>
    public int Remove(uint uid)
    {
        _sortData?.Remove(uid);
        return Results.Remove(uid);
    }

    private int CompareSorted(uint x, uint y)
    {
        var order = _comparer!.Compare(_sortData![x], _sortData[y]);
        return order != 0 ? order : x.CompareTo(y);
    }
}
