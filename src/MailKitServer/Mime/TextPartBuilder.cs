using System.Text;

namespace MailKitServer.Mime;

/// <summary>A text part (or any line-based type, such as message/delivery-status): 7bit when ASCII, else UTF-8 quoted-printable.</summary>
public sealed class TextPartBuilder : MimePartBuilder
{
    private readonly byte[] _body;

    /// <summary>Creates a text part.</summary>
    /// <param name="text">The text; line ends become CRLF.</param>
    /// <param name="mediaType">The media type, such as <c>text/plain</c> or <c>message/delivery-status</c>.</param>
    public TextPartBuilder(string text, string mediaType = "text/plain")
    {
        ArgumentNullException.ThrowIfNull(text);
        var normalized = text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace("\n", "\r\n", StringComparison.Ordinal);
        if (!normalized.EndsWith("\r\n", StringComparison.Ordinal))
        {
            normalized += "\r\n";
        }

        var ascii = Ascii.IsValid(normalized) && normalized.Split("\r\n").All(l => l.Length <= 998);
        Headers.Add(new("Content-Type", mediaType.StartsWith("text/", StringComparison.Ordinal) ? $"{mediaType}; charset={(ascii ? "us-ascii" : "utf-8")}" : mediaType));
        Headers.Add(new("Content-Transfer-Encoding", ascii ? "7bit" : "quoted-printable"));
        _body = ascii ? Encoding.ASCII.GetBytes(normalized) : Encoding.ASCII.GetBytes(QuotedPrintable(Encoding.UTF8.GetBytes(normalized)));
    }

    /// <inheritdoc />
    public override void WriteBody(Stream output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.Write(_body);
    }

    private static string QuotedPrintable(byte[] bytes)
    {
        // RFC 2045 §6.7: lines of at most 76 characters, soft breaks with "=".
        var sb = new StringBuilder();
        var lineLength = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            var b = bytes[i];
            if (b == '\r' && i + 1 < bytes.Length && bytes[i + 1] == '\n')
            {
                sb.Append("\r\n");
                lineLength = 0;
                i++;
                continue;
            }

            var atLineEnd = i + 1 >= bytes.Length || bytes[i + 1] == '\r';
            var literal = (b is >= 33 and <= 126 && b != '=') || (b is (byte)' ' or (byte)'\t' && !atLineEnd);
            var piece = literal ? ((char)b).ToString() : "=" + b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture);
            if (lineLength + piece.Length > 75)
            {
                sb.Append("=\r\n");
                lineLength = 0;
            }

            sb.Append(piece);
            lineLength += piece.Length;
        }

        return sb.ToString();
    }
}
