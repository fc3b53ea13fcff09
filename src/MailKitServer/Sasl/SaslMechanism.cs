namespace MailKitServer.Sasl;

/// <summary>The server side of one SASL exchange (RFC 4422). Engines create one per AUTH/AUTHENTICATE command.</summary>
internal abstract class SaslMechanism
{
    /// <summary>The mechanism name as advertised (upper case).</summary>
    public abstract string Name { get; }

    /// <summary>Whether the password crosses the wire in the clear (PLAIN, LOGIN): offered only over TLS unless insecure authentication is allowed.</summary>
    public abstract bool SendsPasswordInClear { get; }

    /// <summary>The user name the client gave, once known (for logs and throttling).</summary>
    public string? UserName { get; protected set; }

    /// <summary>Processes the client's next message.</summary>
    /// <param name="response">The decoded response; <see langword="null"/> when the client gave no initial response.</param>
    /// <param name="cancellationToken">Cancels the step.</param>
    /// <returns>The next step.</returns>
    public abstract ValueTask<SaslStep> StepAsync(byte[]? response, CancellationToken cancellationToken);
}
