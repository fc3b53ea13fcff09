namespace MailKitServer.Sieve.Grammar;

/// <summary>A script that does not compile: the line and what is wrong, as ManageSieve's CHECKSCRIPT reports it.</summary>
internal sealed class SieveSyntaxException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="line">The line, from 1.</param>
    /// <param name="message">What is wrong.</param>
    public SieveSyntaxException(int line, string message)
        : base($"line {line}: {message}")
    {
        Line = line;
    }

    /// <summary>The line, from 1.</summary>
    public int Line { get; }
}
