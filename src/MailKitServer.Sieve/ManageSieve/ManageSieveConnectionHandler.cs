using MailKitServer.Runtime;
using MailKitServer.Sieve.Execution;

namespace MailKitServer.Sieve.ManageSieve;

/// <summary>Runs a ManageSieve session on each connection of the "managesieve" listener.</summary>
/// <param name="context">The server's seams.</param>
/// <param name="options">The Sieve options (script store, limits).</param>
/// <param name="cache">The compiled scripts, shared with delivery.</param>
internal sealed class ManageSieveConnectionHandler(MailServerContext context, SieveOptions options, SieveScriptCache cache) : IConnectionHandler
{
    /// <inheritdoc />
    public Task HandleAsync(MailConnection connection) => new ManageSieveSession(connection, context, options, cache).RunAsync();

    /// <inheritdoc />
    public async Task RejectAsync(MailConnection connection, ConnectionRejection reason)
    {
        connection.Write(reason == ConnectionRejection.ShuttingDown
            ? "BYE (TRYLATER) \"Server shutting down\"\r\n"
            : "BYE (TRYLATER) \"Too many connections, try again later\"\r\n");
        await connection.FlushAsync().ConfigureAwait(false);
    }
}
