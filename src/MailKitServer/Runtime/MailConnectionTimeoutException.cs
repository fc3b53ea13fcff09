namespace MailKitServer.Runtime;

/// <summary>Raised by <see cref="MailConnection.ReadAsync"/> and <see cref="MailConnection.FlushAsync"/> when the peer stays silent past the time-out.</summary>
internal sealed class MailConnectionTimeoutException : TimeoutException
{
    /// <summary>Creates the exception.</summary>
    public MailConnectionTimeoutException()
        : base("The connection timed out.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What went wrong, for a person to read.</param>
    public MailConnectionTimeoutException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    /// <param name="message">What went wrong, for a person to read.</param>
    /// <param name="innerException">The cause.</param>
    public MailConnectionTimeoutException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
