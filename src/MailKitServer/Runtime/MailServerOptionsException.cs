namespace MailKitServer.Runtime;

/// <summary>Raised at start when options are invalid; the message names every bad option.</summary>
public sealed class MailServerOptionsException : Exception
{
    /// <summary>Creates the exception.</summary>
    public MailServerOptionsException()
        : this([])
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What went wrong, for a person to read.</param>
    public MailServerOptionsException(string message)
        : this([message])
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What went wrong, for a person to read.</param>
    /// <param name="innerException">The cause.</param>
    public MailServerOptionsException(string message, Exception innerException)
        : base(message, innerException) => Problems = [message];

    /// <summary>Creates the exception from a list of problems.</summary>
    /// <param name="problems">Each problem, naming its option.</param>
    public MailServerOptionsException(IReadOnlyList<string> problems)
        : base("Invalid mail server options: " + string.Join(" ", problems)) => Problems = problems;

    /// <summary>The problems found.</summary>
    public IReadOnlyList<string> Problems { get; }
}
