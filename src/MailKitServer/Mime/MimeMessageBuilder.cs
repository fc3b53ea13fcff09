using System.Globalization;
using System.Security.Cryptography;

namespace MailKitServer.Mime;

/// <summary>
/// Composes a message: top-level header fields (unstructured ones encoded per RFC 2047 when not ASCII), MIME-Version,
/// Date and Message-ID when missing, and a body part. The output has CRLF line ends.
/// </summary>
public sealed class MimeMessageBuilder
{
    private readonly List<KeyValuePair<string, string>> _headers = [];

    /// <summary>The body: a text part, a binary part or a multipart.</summary>
    public MimePartBuilder? Body { get; set; }

    /// <summary>Adds a header field. Subject and other unstructured values are encoded when not ASCII; address fields are taken as written.</summary>
    /// <param name="name">The field name.</param>
    /// <param name="value">The value.</param>
    /// <returns>This builder.</returns>
    public MimeMessageBuilder Header(string name, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        var unstructured = name.Equals("Subject", StringComparison.OrdinalIgnoreCase) || name.Equals("Comments", StringComparison.OrdinalIgnoreCase) || name.StartsWith("X-", StringComparison.OrdinalIgnoreCase);
        _headers.Add(new(name, unstructured ? EncodedWords.Encode(value) : value));
        return this;
    }

    /// <summary>Writes the message.</summary>
    /// <param name="output">Where to write.</param>
    /// <param name="date">The date for a missing Date header.</param>
    public void WriteTo(Stream output, DateTimeOffset? date = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        var headers = new List<KeyValuePair<string, string>>(_headers);
        if (!headers.Exists(h => h.Key.Equals("Date", StringComparison.OrdinalIgnoreCase)))
        {
            var d = date ?? DateTimeOffset.UtcNow;
            headers.Insert(0, new("Date", DateParser.Format(d)));
        }

        if (!headers.Exists(h => h.Key.Equals("Message-ID", StringComparison.OrdinalIgnoreCase)))
        {
            headers.Add(new("Message-ID", $"<{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12))}@mailkitserver>"));
        }

        headers.Add(new("MIME-Version", "1.0"));
        var body = Body ?? new TextPartBuilder(string.Empty);
        MimePartBuilder.WriteHeaders(output, headers.Concat(body.Headers));
        output.Write("\r\n"u8);
        body.WriteBody(output);
    }

    /// <summary>Writes the message to an array.</summary>
    /// <param name="date">The date for a missing Date header.</param>
    /// <returns>The message octets.</returns>
    public byte[] ToArray(DateTimeOffset? date = null)
    {
        using var stream = new MemoryStream();
        WriteTo(stream, date);
        return stream.ToArray();
    }
}
