namespace MailKitServer.Runtime;

/// <summary>Why a connection is turned away before its session starts.</summary>
internal enum ConnectionRejection
{
    /// <summary>The server holds its maximum number of connections.</summary>
    TooManyConnections,

    /// <summary>The client's address holds its maximum number of connections.</summary>
    TooManyFromAddress,

    /// <summary>The server is shutting down.</summary>
    ShuttingDown,
}
