namespace MailKitServer.Runtime;

/// <summary>How a line read ended.</summary>
internal enum LineReadStatus
{
    /// <summary>A line was read.</summary>
    Line,

    /// <summary>A line over the limit was read and discarded up to its end; the session is still in sync.</summary>
    TooLong,

    /// <summary>The client closed the connection (or it was reset, or aborted).</summary>
    Closed,

    /// <summary>Nothing arrived within the idle time-out.</summary>
    TimedOut,

    /// <summary>The server is shutting down; the protocol should say goodbye and close.</summary>
    ShuttingDown,
}
