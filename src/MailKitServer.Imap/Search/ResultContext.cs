namespace MailKitServer.Imap.Search;

/// <summary>
/// The results of a SEARCH or SORT given RETURN (UPDATE), which the session keeps current for the client
/// (RFC 5267 §4.3): the matching UIDs in the requested order, mailbox order for SEARCH and the sort order for
/// SORT. Positions are 1-based, as ADDTO and REMOVEFROM name them.
/// </summary>
internal sealed class ResultContext
{
    private readonly List<uint> _uids;
    private readonly HashSet<uint> _members;
    private readonly IComparer<uint> _order;

    /// <summary>Creates a context.</summary>
    /// <param name="tag">The tag of the searching command (the ESEARCH correlator).</param>
    /// <param name="uid">Whether updates name UIDs (UID SEARCH/SORT) rather than sequence numbers.</param>
    /// <param name="order">The sort order of UIDs, or <see langword="null"/> for mailbox (UID) order.</param>
    /// <param name="uids">The current results in that order.</param>
    public ResultContext(string tag, bool uid, IComparer<uint>? order, IEnumerable<uint> uids)
    {
        Tag = tag;
        Uid = uid;
        IsSorted = order is not null;
        _order = order ?? Comparer<uint>.Default;
        _uids = [.. uids];
        _members = [.. _uids];
    }

    /// <summary>The tag of the command that asked for updates.</summary>
    public string Tag { get; }

    /// <summary>Whether updates name UIDs.</summary>
    public bool Uid { get; }

    /// <summary>Whether this is a SORT context (positions matter; a SEARCH context uses position 0).</summary>
    public bool IsSorted { get; }

    /// <summary>The results in the requested order.</summary>
    public IReadOnlyList<uint> Uids => _uids;

    /// <summary>Whether a message is among the results.</summary>
    /// <param name="uid">The UID.</param>
    /// <returns><see langword="true"/> when it is.</returns>
    public bool Contains(uint uid) => _members.Contains(uid);

    /// <summary>Adds a message where the order puts it.</summary>
    /// <param name="uid">The UID, not yet a result.</param>
    /// <returns>Its 1-based position after insertion, or 0 when it was already a result.</returns>
    public int Add(uint uid)
    {
        if (!_members.Add(uid))
        {
            return 0;
        }

        var index = _uids.BinarySearch(uid, _order);
        index = index < 0 ? ~index : index;
        _uids.Insert(index, uid);
        return index + 1;
    }

    /// <summary>Removes a message from the results.</summary>
    /// <param name="uid">The UID.</param>
    /// <returns>Its 1-based position before removal, or 0 when it was not a result.</returns>
    public int Remove(uint uid)
    {
        if (!_members.Remove(uid))
        {
            return 0;
        }

        var index = IsSorted ? _uids.IndexOf(uid) : _uids.BinarySearch(uid);
        _uids.RemoveAt(index);
        return index + 1;
    }
}
