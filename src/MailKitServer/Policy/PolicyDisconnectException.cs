namespace MailKitServer.Policy;

/// <summary>
/// Thrown by an <see cref="IDeliveryPolicy"/> to end the SMTP session at once, without a reply, as a crashed server
/// or a broken network would. Nothing of the current transaction is stored. Test fixtures use it to check that
/// senders retry.
/// </summary>
public sealed class PolicyDisconnectException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PolicyDisconnectException()
        : base("The delivery policy dropped the connection.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">Why.</param>
    public PolicyDisconnectException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">Why.</param>
    /// <param name="innerException">The cause.</param>
    public PolicyDisconnectException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
