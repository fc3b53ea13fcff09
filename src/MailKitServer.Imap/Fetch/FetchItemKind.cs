namespace MailKitServer.Imap.Fetch;

/// <summary>The FETCH data items (RFC 9051 §6.4.5, RFC 3516 BINARY, RFC 7162 MODSEQ, RFC 8474 OBJECTID, RFC 8514 SAVEDATE).</summary>
internal enum FetchItemKind
{
    /// <summary>UID.</summary>
    Uid,

    /// <summary>FLAGS.</summary>
    Flags,

    /// <summary>INTERNALDATE.</summary>
    InternalDate,

    /// <summary>RFC822.SIZE.</summary>
    Rfc822Size,

    /// <summary>ENVELOPE.</summary>
    Envelope,

    /// <summary>BODY (the non-extensible BODYSTRUCTURE).</summary>
    Body,

    /// <summary>BODYSTRUCTURE.</summary>
    BodyStructure,

    /// <summary>RFC822 (as BODY[]; sets \Seen).</summary>
    Rfc822,

    /// <summary>RFC822.HEADER (as BODY.PEEK[HEADER]).</summary>
    Rfc822Header,

    /// <summary>RFC822.TEXT (as BODY[TEXT]; sets \Seen).</summary>
    Rfc822Text,

    /// <summary>BODY[section]&lt;partial&gt; and BODY.PEEK[...].</summary>
    BodySection,

    /// <summary>BINARY[part]&lt;partial&gt; and BINARY.PEEK[...] (RFC 3516).</summary>
    Binary,

    /// <summary>BINARY.SIZE[part] (RFC 3516).</summary>
    BinarySize,

    /// <summary>MODSEQ (RFC 7162 §3.1.4.1).</summary>
    ModSeq,

    /// <summary>EMAILID (RFC 8474 §5.3).</summary>
    EmailId,

    /// <summary>THREADID (RFC 8474 §5.3).</summary>
    ThreadId,

    /// <summary>SAVEDATE (RFC 8514 §4.2).</summary>
    SaveDate,

    /// <summary>PREVIEW, with or without (LAZY) (RFC 8970 §3).</summary>
    Preview,
}
