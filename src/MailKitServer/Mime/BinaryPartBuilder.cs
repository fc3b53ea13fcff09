namespace MailKitServer.Mime;

/// <summary>A binary part (an attachment), base64-encoded in lines of 76 characters.</summary>
public sealed class BinaryPartBuilder : MimePartBuilder
{
    private readonly byte[] _content;

    /// <summary>Creates a binary part.</summary>
    /// <param name="mediaType">The media type, such as <c>application/pdf</c>.</param>
    /// <param name="content">The content.</param>
    /// <param name="fileName">The file name for Content-Disposition: attachment, or <see langword="null"/> for inline.</param>
    public BinaryPartBuilder(string mediaType, byte[] content, string? fileName = null)
    {
        _content = content ?? throw new ArgumentNullException(nameof(content));
        Headers.Add(new("Content-Type", mediaType));
        Headers.Add(new("Content-Transfer-Encoding", "base64"));
        if (fileName is not null)
        {
            // RFC 2231 for names that are not plain ASCII.
            Headers.Add(new("Content-Disposition", System.Text.Ascii.IsValid(fileName) && !fileName.Contains('"', StringComparison.Ordinal)
                ? $"attachment; filename=\"{fileName}\""
                : "attachment; filename*=utf-8''" + Uri.EscapeDataString(fileName)));
        }
    }

    /// <inheritdoc />
    public override void WriteBody(Stream output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var text = Convert.ToBase64String(_content);
        for (var i = 0; i < text.Length; i += 76)
        {
            output.Write(System.Text.Encoding.ASCII.GetBytes(text.Substring(i, Math.Min(76, text.Length - i))));
            output.Write("\r\n"u8);
        }
    }
}
