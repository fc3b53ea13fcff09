using MailKitServer.Runtime;

namespace MailKitServer.Imap.Session;

/// <summary>Runs an <see cref="ImapSession"/> for each connection of an IMAP listener.</summary>
internal sealed class ImapConnectionHandler(MailServerContext context, ImapOptions options) : IConnectionHandler
{
    public Task HandleAsync(MailConnection connection) => new ImapSession(connection, context, options).RunAsync();

    public async Task RejectAsync(MailConnection connection, ConnectionRejection reason)
    {
        connection.Write(reason == ConnectionRejection.ShuttingDown
            ? "* BYE [UNAVAILABLE] Server shutting down\r\n"
            : "* BYE [UNAVAILABLE] Too many connections, try again later\r\n");
        await connection.FlushAsync().ConfigureAwait(false);
    }
}
