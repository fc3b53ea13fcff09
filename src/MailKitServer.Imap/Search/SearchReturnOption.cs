namespace MailKitServer.Imap.Search;

/// <summary>The return options of extended SEARCH and SORT (RFC 4731 §3.1, RFC 5182 §2.4, RFC 5267 §4).</summary>
[Flags]
internal enum SearchReturnOption
{
    /// <summary>No option.</summary>
    None = 0,

    /// <summary>MIN: the lowest (SORT: the first sorted) result.</summary>
    Min = 1,

    /// <summary>MAX: the highest (SORT: the last sorted) result.</summary>
    Max = 2,

    /// <summary>ALL: every result, as a sequence-set.</summary>
    All = 4,

    /// <summary>COUNT: how many results.</summary>
    Count = 8,

    /// <summary>SAVE: keep the result for "$" (RFC 5182).</summary>
    Save = 16,

    /// <summary>CONTEXT: a hint that the criteria will be used again (RFC 5267 §4.2).</summary>
    Context = 32,

    /// <summary>UPDATE: tell of later changes to the result with ADDTO and REMOVEFROM (RFC 5267 §4.3).</summary>
    Update = 64,

    /// <summary>PARTIAL: a range of the results (RFC 5267 §4.4, RFC 9394).</summary>
    Partial = 128,
}
