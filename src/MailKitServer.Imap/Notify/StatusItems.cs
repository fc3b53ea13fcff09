namespace MailKitServer.Imap.Notify;

/// <summary>STATUS data items a NOTIFY STATUS response carries.</summary>
[Flags]
internal enum StatusItems
{
    /// <summary>None.</summary>
    None = 0,

    /// <summary>MESSAGES.</summary>
    Messages = 1,

    /// <summary>UIDNEXT.</summary>
    UidNext = 2,

    /// <summary>UIDVALIDITY.</summary>
    UidValidity = 4,

    /// <summary>UNSEEN.</summary>
    Unseen = 8,

    /// <summary>HIGHESTMODSEQ.</summary>
    HighestModSeq = 16,
}
