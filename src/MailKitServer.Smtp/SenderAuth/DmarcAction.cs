namespace MailKitServer.Smtp.SenderAuth;

/// <summary>What the server does with a message that fails DMARC, within what the author domain's policy asks.</summary>
public enum DmarcAction
{
    /// <summary>
    /// Honour the policy: <c>p=reject</c> is refused with <c>550 5.7.1</c>, <c>p=quarantine</c> goes to the recipients'
    /// junk mailboxes.
    /// </summary>
    Reject,

    /// <summary>Never refuse: both <c>p=reject</c> and <c>p=quarantine</c> go to the recipients' junk mailboxes.</summary>
    Quarantine,

    /// <summary>Only record the result in Authentication-Results (and the metrics); deliver as usual.</summary>
    None,
}
