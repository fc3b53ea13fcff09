namespace MailKitServer.Imap.Sorting;

/// <summary>A SORT key (RFC 5256 §3, BASE.6.4.SORT; DISPLAYFROM and DISPLAYTO from RFC 5957 §4).</summary>
internal enum SortField
{
    /// <summary>The internal date and time.</summary>
    Arrival,

    /// <summary>The addr-mailbox of the first Cc address.</summary>
    Cc,

    /// <summary>The sent date (RFC 5256 §2.2).</summary>
    Date,

    /// <summary>The addr-mailbox of the first From address.</summary>
    From,

    /// <summary>The size in octets.</summary>
    Size,

    /// <summary>The base subject (RFC 5256 §2.1).</summary>
    Subject,

    /// <summary>The addr-mailbox of the first To address.</summary>
    To,

    /// <summary>The display name of the first From address, else its address (RFC 5957 §3).</summary>
    DisplayFrom,

    /// <summary>The display name of the first To address, else its address (RFC 5957 §3).</summary>
    DisplayTo,
}
