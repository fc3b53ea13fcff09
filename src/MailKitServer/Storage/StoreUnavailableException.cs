namespace MailKitServer.Storage;

/// <summary>
/// Thrown by a store whose backend cannot be reached now (a database that went away). The protocol engines answer a
/// temporary failure: SMTP <c>451 4.3.0</c>, IMAP <c>NO [UNAVAILABLE]</c>, POP3 <c>-ERR [SYS/TEMP]</c>; the session
/// stays usable and works again once the backend is back. Nothing reported as stored when this is thrown was stored.
/// </summary>
public sealed class StoreUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StoreUnavailableException()
        : base("The message store is temporarily unavailable.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What is unavailable.</param>
    public StoreUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the backend's error.</summary>
    /// <param name="message">What is unavailable.</param>
    /// <param name="innerException">The backend's error.</param>
    public StoreUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
