namespace MailKitServer.Smtp.Outbound;

/// <summary>
/// A network time-out for the SMTP client: real time, whatever clock runs the queue's schedule (a paused test clock
/// must not hang a socket).
/// </summary>
internal static class NetworkTimeout
{
    /// <summary>A source cancelled when <paramref name="cancellationToken"/> is or <paramref name="timeout"/> has passed; the caller disposes it.</summary>
    public static CancellationTokenSource Start(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        return cts;
    }
}
