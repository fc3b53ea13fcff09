namespace MailKitServer.Imap.Session;

/// <summary>The IMAP connection states (RFC 3501 §3).</summary>
internal enum ImapState
{
    NotAuthenticated,
    Authenticated,
    Selected,
}
