namespace MailKitServer.Delivery;

/// <summary>A message a filter sends because of a delivery (a redirect, a vacation reply, a refusal notice).</summary>
/// <param name="ReversePath">The envelope sender, empty for <c>&lt;&gt;</c>.</param>
/// <param name="Recipient">The envelope recipient.</param>
/// <param name="Content">The message, CRLF line endings; <see langword="null"/> sends the received message itself (without its Return-Path).</param>
/// <param name="Trace">Header fields (CRLF-terminated) put on top of the content, such as a redirect's loop marker; or <see langword="null"/>.</param>
internal sealed record FilterMessage(string ReversePath, string Recipient, byte[]? Content, byte[]? Trace = null)
{
    /// <summary>The trace fields followed by <paramref name="content"/>, in one array.</summary>
    /// <param name="content">The message without the trace fields.</param>
    /// <returns>The message to send.</returns>
    public byte[] WithTrace(byte[] content) => Trace is null ? content : [.. Trace, .. content];
}
