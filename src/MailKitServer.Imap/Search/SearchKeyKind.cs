namespace MailKitServer.Imap.Search;

/// <summary>
/// The SEARCH keys (RFC 9051 §6.4.4, RFC 3501 §6.4.4, RFC 7162 §3.1.5 MODSEQ, RFC 5182 "$", RFC 8474 object ids,
/// RFC 8514 save dates, RFC 5032 WITHIN).
/// </summary>
internal enum SearchKeyKind
{
    /// <summary>ALL.</summary>
    All,

    /// <summary>A parenthesised list, or keys side by side: all must match.</summary>
    And,

    /// <summary>OR key1 key2.</summary>
    Or,

    /// <summary>NOT key.</summary>
    Not,

    /// <summary>A sequence set (or "$").</summary>
    Sequence,

    /// <summary>UID set (or UID $).</summary>
    Uid,

    /// <summary>ANSWERED.</summary>
    Answered,

    /// <summary>DELETED.</summary>
    Deleted,

    /// <summary>DRAFT.</summary>
    Draft,

    /// <summary>FLAGGED.</summary>
    Flagged,

    /// <summary>SEEN.</summary>
    Seen,

    /// <summary>UNANSWERED.</summary>
    Unanswered,

    /// <summary>UNDELETED.</summary>
    Undeleted,

    /// <summary>UNDRAFT.</summary>
    Undraft,

    /// <summary>UNFLAGGED.</summary>
    Unflagged,

    /// <summary>UNSEEN.</summary>
    Unseen,

    /// <summary>RECENT (IMAP4rev1).</summary>
    Recent,

    /// <summary>NEW: RECENT and UNSEEN.</summary>
    New,

    /// <summary>OLD: not RECENT.</summary>
    Old,

    /// <summary>KEYWORD flag.</summary>
    Keyword,

    /// <summary>UNKEYWORD flag.</summary>
    Unkeyword,

    /// <summary>LARGER n.</summary>
    Larger,

    /// <summary>SMALLER n.</summary>
    Smaller,

    /// <summary>BEFORE date (internal date).</summary>
    Before,

    /// <summary>ON date (internal date).</summary>
    On,

    /// <summary>SINCE date (internal date).</summary>
    Since,

    /// <summary>SENTBEFORE date (Date header).</summary>
    SentBefore,

    /// <summary>SENTON date (Date header).</summary>
    SentOn,

    /// <summary>SENTSINCE date (Date header).</summary>
    SentSince,

    /// <summary>HEADER field string.</summary>
    Header,

    /// <summary>FROM string (addresses and names).</summary>
    From,

    /// <summary>TO string.</summary>
    To,

    /// <summary>CC string.</summary>
    Cc,

    /// <summary>BCC string.</summary>
    Bcc,

    /// <summary>SUBJECT string.</summary>
    Subject,

    /// <summary>BODY string (decoded text parts).</summary>
    Body,

    /// <summary>TEXT string (headers and text parts).</summary>
    Text,

    /// <summary>MODSEQ [entry type] value: MODSEQ at least value (RFC 7162 §3.1.5).</summary>
    ModSeq,

    /// <summary>EMAILID objectid (RFC 8474 §6).</summary>
    EmailId,

    /// <summary>THREADID objectid (RFC 8474 §6).</summary>
    ThreadId,

    /// <summary>SAVEDBEFORE date (RFC 8514 §4.3).</summary>
    SavedBefore,

    /// <summary>SAVEDON date (RFC 8514 §4.3).</summary>
    SavedOn,

    /// <summary>SAVEDSINCE date (RFC 8514 §4.3).</summary>
    SavedSince,

    /// <summary>SAVEDATESUPPORTED (RFC 8514 §4.3).</summary>
    SaveDateSupported,

    /// <summary>OLDER seconds: internal date at least that long ago (RFC 5032 §3).</summary>
    Older,

    /// <summary>YOUNGER seconds: internal date within that many seconds (RFC 5032 §3).</summary>
    Younger,
}
