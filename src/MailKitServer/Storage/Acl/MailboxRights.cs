namespace MailKitServer.Storage.Acl;

/// <summary>
/// The rights of RFC 4314 §2.1 that an access control list grants on a mailbox. The obsolete "c" and "d" rights of
/// RFC 2086 are not members: IMAP reads "c" as <see cref="CreateMailbox"/> and "d" as <see cref="DeleteMailbox"/>,
/// <see cref="DeleteMessages"/> and <see cref="Expunge"/> together (§2.1.1).
/// </summary>
[Flags]
public enum MailboxRights
{
    /// <summary>No right.</summary>
    None = 0,

    /// <summary>"l": the mailbox is visible to LIST and may be subscribed.</summary>
    Lookup = 1 << 0,

    /// <summary>"r": SELECT, EXAMINE, STATUS, FETCH, SEARCH, COPY from the mailbox.</summary>
    Read = 1 << 1,

    /// <summary>"s": keep \Seen across sessions (set or clear it by STORE, APPEND, COPY or FETCH).</summary>
    Seen = 1 << 2,

    /// <summary>"w": set or clear flags and keywords other than \Seen and \Deleted.</summary>
    Write = 1 << 3,

    /// <summary>"i": APPEND, COPY and MOVE into the mailbox.</summary>
    Insert = 1 << 4,

    /// <summary>"p": send mail to the mailbox's submission address (not enforced by IMAP).</summary>
    Post = 1 << 5,

    /// <summary>"k": create mailboxes below this one, or rename one to below it.</summary>
    CreateMailbox = 1 << 6,

    /// <summary>"x": delete or rename the mailbox.</summary>
    DeleteMailbox = 1 << 7,

    /// <summary>"t": set or clear \Deleted.</summary>
    DeleteMessages = 1 << 8,

    /// <summary>"e": EXPUNGE, and the expunge of CLOSE and MOVE.</summary>
    Expunge = 1 << 9,

    /// <summary>"a": read and change the access control list.</summary>
    Administer = 1 << 10,

    /// <summary>Every right (what the owner of a personal mailbox has).</summary>
    All = (1 << 11) - 1,
}
