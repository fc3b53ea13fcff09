namespace MailKitServer.Sieve.Execution;

/// <summary>A script failed while running (a limit, an invalid runtime value, a missing include): the message is kept.</summary>
internal sealed class SieveRuntimeException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="line">The line of the failing command.</param>
    /// <param name="message">What went wrong.</param>
    public SieveRuntimeException(int line, string message)
        : base($"line {line}: {message}")
    {
    }
}
