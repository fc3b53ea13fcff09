namespace MailKitServer.Imap.Fetch;

/// <summary>
/// A FETCH response failed part way. It was completed on the wire before this was thrown (an open literal padded to
/// its announced length, the response's parenthesis closed), so the client stays in sync; when a literal had to be
/// padded its data is wrong, and the session must end rather than let the client trust it.
/// </summary>
internal sealed class FetchResponseAbortedException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="literalPadded">Whether an announced literal had to be filled with padding.</param>
    /// <param name="inner">What failed.</param>
    public FetchResponseAbortedException(bool literalPadded, Exception inner)
        : base("A FETCH response failed part way.", inner)
    {
        LiteralPadded = literalPadded;
    }

    /// <summary>Creates the exception.</summary>
    public FetchResponseAbortedException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public FetchResponseAbortedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message, for logs; the client never sees it.</param>
    /// <param name="inner">What failed.</param>
    public FetchResponseAbortedException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>Whether the client received padding in place of data.</summary>
    public bool LiteralPadded { get; }
}
