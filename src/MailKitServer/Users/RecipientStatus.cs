namespace MailKitServer.Users;

/// <summary>The outcome of resolving a recipient.</summary>
public enum RecipientStatus
{
    /// <summary>Resolved to at least one mailbox or remote address.</summary>
    Resolved,

    /// <summary>The domain is not handled here.</summary>
    NotLocal,

    /// <summary>The domain is local but the address is unknown.</summary>
    UnknownUser,

    /// <summary>The address only expands into a loop of aliases.</summary>
    Loop,

    /// <summary>The directory could not answer now.</summary>
    TemporaryFailure,
}
