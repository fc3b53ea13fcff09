namespace MailKitServer.Imap.Session;

/// <summary>The extensions a client turned on with ENABLE (RFC 5161); each changes what the server sends.</summary>
[Flags]
internal enum ImapExtensions
{
    /// <summary>None enabled.</summary>
    None = 0,

    /// <summary>IMAP4rev2 (RFC 9051 §6.3.1): ESEARCH answers, no \Recent, LIST in SELECT.</summary>
    Imap4rev2 = 1,

    /// <summary>UTF8=ACCEPT (RFC 6855 §3): mailbox names and quoted strings in UTF-8.</summary>
    Utf8Accept = 2,

    /// <summary>CONDSTORE (RFC 7162 §3.1): MODSEQ in every FETCH response about flags.</summary>
    CondStore = 4,

    /// <summary>QRESYNC (RFC 7162 §3.2; implies CONDSTORE): VANISHED instead of EXPUNGE, SELECT ... (QRESYNC ...).</summary>
    QResync = 8,

    /// <summary>
    /// UIDONLY (RFC 9586 §3): no sequence numbers either way: commands that take them are refused with
    /// BAD [UIDREQUIRED], FETCH responses become UIDFETCH, EXPUNGE becomes VANISHED.
    /// </summary>
    UidOnly = 16,
}
