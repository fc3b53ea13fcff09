using MailKitServer.Imap.Sorting;
using MailKitServer.Runtime;

namespace MailKitServer.Imap.Session;

/// <summary>Runs an <see cref="ImapSession"/> for each connection of an IMAP listener; owns what the listener's sessions share.</summary>
internal sealed class ImapConnectionHandler(MailServerContext context, ImapOptions options) : IConnectionHandler
{
    /// <summary>The parsed structures this listener's sessions share, with this listener's limits.</summary>
    public StructureCache Structures { get; } = new(options.StructureCacheBytes, options.StructureCacheEntryBytes);

    /// <summary>The header data SORT and THREAD read, shared by this listener's sessions, with this listener's capacity.</summary>
    public SortDataCache SortData { get; } = new(options.SortCacheSize);

    public Task HandleAsync(MailConnection connection) => new ImapSession(connection, context, options, Structures, SortData).RunAsync();

    public async Task RejectAsync(MailConnection connection, ConnectionRejection reason)
    {
        connection.Write(reason == ConnectionRejection.ShuttingDown
            ? "* BYE [UNAVAILABLE] Server shutting down\r\n"
            : "* BYE [UNAVAILABLE] Too many connections, try again later\r\n");
        await connection.FlushAsync().ConfigureAwait(false);
    }
}
