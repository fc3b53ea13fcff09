namespace MailKitServer.Sieve.ManageSieve;

/// <summary>What the parser made of the buffered input.</summary>
internal enum ManageSieveParseResult
{
    /// <summary>A whole command was read.</summary>
    Command,

    /// <summary>The command is not complete yet.</summary>
    NeedMoreData,

    /// <summary>The line is malformed; it was skipped through its end (the error says why).</summary>
    SyntaxError,

    /// <summary>A literal is larger than allowed: its octets and the rest of its line must be drained.</summary>
    LiteralTooLarge,

    /// <summary>No line end within the line limit: the client cannot be followed any more.</summary>
    LineTooLong,
}
