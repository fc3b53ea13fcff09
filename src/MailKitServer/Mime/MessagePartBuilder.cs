namespace MailKitServer.Mime;

/// <summary>An encapsulated message (message/rfc822, or text/rfc822-headers for headers only, RFC 6522), written as is.</summary>
public sealed class MessagePartBuilder : MimePartBuilder
{
    private readonly byte[] _message;

    /// <summary>Creates the part.</summary>
    /// <param name="message">The message octets (CRLF line ends).</param>
    /// <param name="mediaType">message/rfc822, message/global or text/rfc822-headers.</param>
    public MessagePartBuilder(byte[] message, string mediaType = "message/rfc822")
    {
        _message = message ?? throw new ArgumentNullException(nameof(message));
        Headers.Add(new("Content-Type", mediaType));
        if (_message.AsSpan().IndexOfAnyInRange((byte)0x80, (byte)0xFF) >= 0)
        {
            Headers.Add(new("Content-Transfer-Encoding", "8bit"));
        }
    }

    /// <inheritdoc />
    public override void WriteBody(Stream output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.Write(_message);
        if (_message.Length > 0 && _message[^1] != (byte)'\n')
        {
            output.Write("\r\n"u8);
        }
    }
}
