namespace MailKitServer.Smtp.SenderAuth;

/// <summary>One header field of a message as its octets lie in the content.</summary>
/// <param name="Name">The field name (empty for a line that has no colon).</param>
/// <param name="Offset">Where the field starts, from the start of the content.</param>
/// <param name="Length">Its octets, with continuation lines and the final line break.</param>
/// <param name="Value">The value after the colon, unfolded (line breaks removed), decoded as UTF-8.</param>
internal sealed record RawHeaderField(string Name, long Offset, int Length, string Value);
