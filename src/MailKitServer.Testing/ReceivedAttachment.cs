using MimeKit;

namespace MailKitServer.Testing;

/// <summary>
/// A part of a received message that is not its text or HTML body: a file attachment, an attached message, or an
/// inline part such as an image a multipart/related HTML body refers to by <see cref="ContentId"/>.
/// </summary>
public sealed class ReceivedAttachment
{
    private byte[]? _content;

    internal ReceivedAttachment(MimeEntity part) => Part = part;

    /// <summary>The MimeKit part itself (a <see cref="MimePart"/>, or a <see cref="MessagePart"/> for an attached message).</summary>
    public MimeEntity Part { get; }

    /// <summary>The file name (Content-Disposition filename, else Content-Type name; RFC 2231 and RFC 2047 decoded), if any.</summary>
    public string? FileName => Part.ContentDisposition?.FileName ?? Part.ContentType.Name;

    /// <summary>The media type in lower case, such as <c>application/pdf</c>.</summary>
    public string ContentType => Part.ContentType.MimeType.ToLowerInvariant();

    /// <summary>The Content-ID without its angle brackets (as MimeKit gives it), or <see langword="null"/>.</summary>
    public string? ContentId => Part.ContentId;

    /// <summary>
    /// Whether the part is meant to be shown inline rather than saved: its Content-Disposition says <c>inline</c>,
    /// or it has none but is referred to by a Content-ID. MimeKit's <see cref="MimeEntity.IsAttachment"/> is the
    /// narrower test (only an explicit <c>attachment</c> disposition).
    /// </summary>
    public bool IsInline => !Part.IsAttachment && (Part.ContentDisposition is not null || Part.ContentId is not null);

    /// <summary>The content with its transfer encoding (base64, quoted-printable) decoded; for an attached message, the message.</summary>
    public byte[] Content
    {
        get
        {
            if (_content is null)
            {
                using var output = new MemoryStream();
                if (Part is MimePart { Content: { } content })
                {
                    content.DecodeTo(output);
                }
                else if (Part is MessagePart { Message: { } message })
                {
                    message.WriteTo(output);
                }

                _content = output.ToArray();
            }

            return _content;
        }
    }

    /// <summary>The file name (or content type) and size, for test output.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => $"{FileName ?? ContentType} ({Content.Length} octets)";
}
