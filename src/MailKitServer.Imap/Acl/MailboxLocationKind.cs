namespace MailKitServer.Imap.Acl;

/// <summary>Which namespace (RFC 2342) a mailbox name falls in.</summary>
internal enum MailboxLocationKind
{
    /// <summary>One of the user's own mailboxes.</summary>
    Personal,

    /// <summary>A mailbox of another user, under <c>Other Users/owner/</c>.</summary>
    OtherUser,

    /// <summary>A folder of the public tree, under <c>Shared/</c>.</summary>
    Public,

    /// <summary>A level no mailbox stands behind: <c>Other Users</c>, <c>Other Users/owner</c> or <c>Shared</c>.</summary>
    Virtual,

    /// <summary>A name that can name nothing (another user's tree without a mailbox name, the public tree's INBOX).</summary>
    None,
}
