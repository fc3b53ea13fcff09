namespace MailKitServer.Runtime;

/// <summary>A protocol engine's entry point: one call per accepted connection.</summary>
internal interface IConnectionHandler
{
    /// <summary>Runs a session until it ends. The runtime closes the connection afterwards.</summary>
    /// <param name="connection">The accepted connection, TLS already on for an implicit-TLS listener; the runtime disposes it.</param>
    /// <returns>A task that completes when the session is over.</returns>
    Task HandleAsync(MailConnection connection);

    /// <summary>Tells a client it is turned away (for example SMTP's <c>421</c>) before the runtime closes it.</summary>
    /// <param name="connection">The accepted connection; nothing has been read from it.</param>
    /// <param name="reason">Why.</param>
    /// <returns>A task that completes when the message is written.</returns>
    Task RejectAsync(MailConnection connection, ConnectionRejection reason);
}
