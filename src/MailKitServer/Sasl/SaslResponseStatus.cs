namespace MailKitServer.Sasl;

/// <summary>What the client answered to a SASL challenge.</summary>
internal enum SaslResponseStatus
{
    /// <summary>A base64 response.</summary>
    Response,

    /// <summary>"*": the client cancelled the exchange.</summary>
    Cancelled,

    /// <summary>The line was not base64.</summary>
    Invalid,

    /// <summary>The line was over the limit (it was discarded).</summary>
    TooLong,

    /// <summary>The connection closed, timed out or the server is shutting down.</summary>
    ConnectionLost,
}
