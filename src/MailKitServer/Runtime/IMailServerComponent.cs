namespace MailKitServer.Runtime;

/// <summary>
/// A part of the server that runs beside the listeners (such as the outbound queue): started once every listener
/// is bound, stopped after the sessions have ended.
/// </summary>
internal interface IMailServerComponent
{
    /// <summary>Starts the component.</summary>
    /// <param name="server">The server, with its bound endpoints.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>A task that completes when the component runs.</returns>
    Task StartAsync(MailServer server, CancellationToken cancellationToken);

    /// <summary>Stops the component.</summary>
    /// <param name="cancellationToken">Cancels the graceful part of the stop.</param>
    /// <returns>A task that completes when the component has stopped.</returns>
    Task StopAsync(CancellationToken cancellationToken);
}
