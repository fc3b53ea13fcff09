namespace MailKitServer.Smtp.Outbound;

/// <summary>The next hop broke the protocol (garbage, an over-long or unterminated reply) or the connection failed.</summary>
internal sealed class SmtpProtocolException : Exception
{
    public SmtpProtocolException()
    {
    }

    public SmtpProtocolException(string message)
        : base(message)
    {
    }

    public SmtpProtocolException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>For a failed TLS handshake, its kind as a TLSRPT result type (RFC 8460 §4.3); null for other failures.</summary>
    public string? TlsResultType { get; init; }
}
