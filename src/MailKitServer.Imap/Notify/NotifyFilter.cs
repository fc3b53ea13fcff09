namespace MailKitServer.Imap.Notify;

/// <summary>Which mailboxes an event group watches (RFC 5465 §6).</summary>
internal enum NotifyFilter
{
    /// <summary>The selected mailbox, events sent at once.</summary>
    Selected,

    /// <summary>The selected mailbox, expunges held until a command allows them.</summary>
    SelectedDelayed,

    /// <summary>The mailboxes mail is delivered to (here: every personal mailbox, as §6.3 allows).</summary>
    Inboxes,

    /// <summary>Every mailbox of the user.</summary>
    Personal,

    /// <summary>The subscribed mailboxes, re-evaluated when subscriptions change.</summary>
    Subscribed,

    /// <summary>The named mailboxes and everything below them.</summary>
    Subtree,

    /// <summary>The named mailboxes, no wildcards.</summary>
    Mailboxes,
}
