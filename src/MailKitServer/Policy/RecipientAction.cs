namespace MailKitServer.Policy;

/// <summary>What to do with a recipient.</summary>
public enum RecipientAction
{
    /// <summary>Deliver to the local mailboxes the directory resolved.</summary>
    Deliver,

    /// <summary>Relay to a remote server through the outbound queue.</summary>
    Relay,

    /// <summary>Refuse the recipient with the verdict's reply.</summary>
    Reject,
}
