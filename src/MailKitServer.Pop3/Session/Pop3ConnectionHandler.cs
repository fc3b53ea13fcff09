using MailKitServer.Runtime;

namespace MailKitServer.Pop3.Session;

/// <summary>Runs a <see cref="Pop3Session"/> for each connection of a POP3 listener.</summary>
internal sealed class Pop3ConnectionHandler(MailServerContext context, Pop3Options options, LoginDelayTracker logins) : IConnectionHandler
{
    public Task HandleAsync(MailConnection connection) => new Pop3Session(connection, context, options, logins).RunAsync();

    public async Task RejectAsync(MailConnection connection, ConnectionRejection reason)
    {
        connection.Write(reason == ConnectionRejection.ShuttingDown
            ? "-ERR [SYS/TEMP] Server shutting down\r\n"
            : "-ERR [SYS/TEMP] Too many connections, try again later\r\n");
        await connection.FlushAsync().ConfigureAwait(false);
    }
}
