using MailKitServer.Imap.Session;

namespace MailKitServer.Imap.Commands;

/// <summary>
/// COMPRESS DEFLATE (RFC 4978): after the tagged OK (sent uncompressed), everything both ways is raw DEFLATE, on top
/// of TLS when TLS is on (RFC 4978 §3: compress, then encrypt). Once on it stays on; a second COMPRESS is BAD.
/// </summary>
internal sealed class CompressCommand() : ImapCommand("COMPRESS", CommandStates.LoggedIn)
{
    public override async ValueTask<bool> ExecuteAsync(ImapSession session, ImapRequest request)
    {
        var args = request.Arguments;
        if (args.Count != 1 || !args[0].Text.Equals("DEFLATE", StringComparison.OrdinalIgnoreCase))
        {
            return await session.BadAsync(request.Tag, "Syntax: COMPRESS DEFLATE").ConfigureAwait(false);
        }

        if (session.Connection.IsCompressed)
        {
            return await session.BadAsync(request.Tag, "DEFLATE is already active").ConfigureAwait(false);
        }

        // RFC 4978 §3: compression starts right after the CRLF of the tagged OK; the OK itself (and the updates the
        // protocol lets it carry) goes out uncompressed, so it is written here, not left for after the command.
        session.SendUpdates(allowExpunge: true);
        session.Connection.Write($"{request.Tag} OK DEFLATE active\r\n");
        return await session.Connection.StartCompressionAsync().ConfigureAwait(false);
    }
}
