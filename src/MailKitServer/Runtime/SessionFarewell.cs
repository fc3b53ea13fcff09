namespace MailKitServer.Runtime;

/// <summary>
/// What a protocol session says when a read between commands ends it, and the one place that ends it: the read
/// loops of the SMTP, LMTP, POP3 and IMAP sessions share it (a line too long stays each protocol's own answer).
/// </summary>
/// <param name="timedOut">The last reply, with its CRLF, to a client idle for too long (SMTP 421 4.4.2, POP3 -ERR, IMAP BYE).</param>
/// <param name="shuttingDown">The last reply, with its CRLF, when the server shuts down gracefully.</param>
internal sealed class SessionFarewell(string timedOut, string shuttingDown)
{
    /// <summary>
    /// Ends the session if <paramref name="status"/> ends it: a time-out or a shutdown is answered with its farewell,
    /// and whatever is queued is sent; a peer that has gone is not an error, there is nothing more to tell it.
    /// </summary>
    /// <param name="connection">The session's connection.</param>
    /// <param name="status">How the read ended.</param>
    /// <returns>Whether the session is over: <see langword="false"/> for a line, or a line too long, which the session answers itself.</returns>
    public async ValueTask<bool> EndsSessionAsync(MailConnection connection, LineReadStatus status)
    {
        switch (status)
        {
            case LineReadStatus.TimedOut:
                connection.Write(timedOut);
                break;
            case LineReadStatus.ShuttingDown:
                connection.Write(shuttingDown);
                break;
            case LineReadStatus.Closed:
                break;
            default:
                return false;
        }

        await connection.TryFlushAsync().ConfigureAwait(false);
        return true;
    }
}
