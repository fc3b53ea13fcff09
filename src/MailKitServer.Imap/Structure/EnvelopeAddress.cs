namespace MailKitServer.Imap.Structure;

/// <summary>
/// An address as IMAP's ENVELOPE shows it (RFC 3501 §7.4.2): display name, source route, mailbox and host. A group
/// starts with (NIL NIL name NIL) and ends with (NIL NIL NIL NIL).
/// </summary>
/// <param name="Name">The display name as written (encoded words kept), or <see langword="null"/>.</param>
/// <param name="Route">The obsolete source route, or <see langword="null"/>.</param>
/// <param name="Mailbox">The local part, or the group name for a group start.</param>
/// <param name="Host">The domain, or <see langword="null"/> for group markers.</param>
internal sealed record EnvelopeAddress(string? Name, string? Route, string? Mailbox, string? Host)
{
    /// <summary>Whether this is a group start or end marker.</summary>
    public bool IsGroupMarker => Host is null;

    /// <summary>The address as <c>mailbox@host</c>, or <see langword="null"/> for group markers.</summary>
    public string? Address => Host is null ? null : $"{Mailbox}@{Host}";
}
