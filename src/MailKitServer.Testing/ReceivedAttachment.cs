namespace MailKitServer.Testing;

/// <summary>A non-text part of a received message (or a part marked as an attachment), decoded.</summary>
/// <param name="FileName">The file name (Content-Disposition filename or Content-Type name), if any.</param>
/// <param name="ContentType">The media type, such as <c>application/pdf</c>.</param>
/// <param name="Content">The decoded octets.</param>
public sealed record ReceivedAttachment(string? FileName, string ContentType, byte[] Content);
