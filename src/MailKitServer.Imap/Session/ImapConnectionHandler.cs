using MailKitServer.Runtime;

namespace MailKitServer.Imap.Session;

/// <summary>Runs an <see cref="ImapSession"/> for each connection of an IMAP listener; owns what the listener's sessions share.</summary>
internal sealed class ImapConnectionHandler(MailServerContext context, ImapOptions options) : IConnectionHandler
{
    /// <summary>The parsed structures this listener's sessions share, with this listener's limits.</summary>
    public StructureCache Structures { get; } = new(options.StructureCacheBytes, options.StructureCacheEntryBytes);

    public Task HandleAsync(MailConnection connection) => new ImapSession(connection, context, options, Structures).RunAsync();

    public async Task RejectAsync(MailConnection connection, ConnectionRejection reason)
    {
        connection.Write(reason == ConnectionRejection.ShuttingDown
            ? "* BYE [UNAVAILABLE] Server shutting down\r\n"
            : "* BYE [UNAVAILABLE] Too many connections, try again later\r\n");
        await connection.FlushAsync().ConfigureAwait(false);
    }
}
