namespace MailKitServer.Sieve.Execution;

/// <summary>The actions a script can take.</summary>
internal enum SieveActionKind
{
    /// <summary>keep (RFC 5228 §4.3): a copy in the recipient's mailbox (INBOX).</summary>
    Keep,

    /// <summary>fileinto (RFC 5228 §4.1): a copy in a named mailbox.</summary>
    FileInto,

    /// <summary>redirect (RFC 5228 §4.2): send the message on to an address.</summary>
    Redirect,

    /// <summary>discard (RFC 5228 §4.4).</summary>
    Discard,

    /// <summary>reject or ereject (RFC 5429): refuse with a reason.</summary>
    Reject,

    /// <summary>vacation (RFC 5230): reply to the sender once per period.</summary>
    Vacation,
}
