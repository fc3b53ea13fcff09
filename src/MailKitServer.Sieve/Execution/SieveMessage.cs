using System.Text;
using MimeKit;

namespace MailKitServer.Sieve.Execution;

/// <summary>
/// The message a script looks at, through MimeKit: header values unfolded and RFC 2047-decoded, addresses, body
/// parts; and the editheader changes (RFC 5293), which later tests see and the stored copy keeps.
/// </summary>
internal sealed class SieveMessage
{
    private readonly MimeMessage _message;
    private readonly byte[] _raw;

    private SieveMessage(MimeMessage message, byte[] raw, long size)
    {
        _message = message;
        _raw = raw;
        Size = size;
    }

    /// <summary>The size in octets (RFC 5228 §5.9).</summary>
    public long Size { get; }

    /// <summary>Whether an editheader action changed the header.</summary>
    public bool Edited { get; private set; }

    /// <summary>The parsed message.</summary>
    public MimeMessage Mime => _message;

    /// <summary>Reads a message (its size is bounded by the server's message size limit before it gets here).</summary>
    /// <param name="content">The message.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The message.</returns>
    public static async ValueTask<SieveMessage> LoadAsync(Stream content, CancellationToken cancellationToken)
    {
        using var copy = new MemoryStream();
        await content.CopyToAsync(copy, cancellationToken).ConfigureAwait(false);
        var raw = copy.ToArray();
        copy.Position = 0;
        var message = await MimeMessage.LoadAsync(copy, cancellationToken).ConfigureAwait(false);
        return new SieveMessage(message, raw, raw.Length);
    }

    /// <summary>Makes a message from bytes (tests, and a vacation's own checks).</summary>
    /// <param name="raw">The message.</param>
    /// <returns>The message.</returns>
    public static SieveMessage FromBytes(byte[] raw)
    {
        using var stream = new MemoryStream(raw, writable: false);
        return new SieveMessage(MimeMessage.Load(stream), raw, raw.Length);
    }

    /// <summary>The values of the named header fields, in order: unfolded, RFC 2047-decoded (RFC 5228 §5.7).</summary>
    /// <param name="name">The field name.</param>
    /// <returns>The values.</returns>
    public List<string> HeaderValues(string name)
    {
        var values = new List<string>();
        foreach (var header in _message.Headers)
        {
            if (header.Field.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                values.Add(Unfold(header.Value));
            }
        }

        return values;
    }

    /// <summary>The raw (undecoded, unfolded) values of the named header fields, in order.</summary>
    /// <param name="name">The field name.</param>
    /// <returns>The values.</returns>
    public List<string> RawHeaderValues(string name)
    {
        var values = new List<string>();
        foreach (var header in _message.Headers)
        {
            if (header.Field.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                values.Add(Unfold(Encoding.UTF8.GetString(header.RawValue)).Trim());
            }
        }

        return values;
    }

    /// <summary>Adds a header field (RFC 5293 §4): at the top, or at the end with <c>:last</c>.</summary>
    /// <param name="name">The field name.</param>
    /// <param name="value">The value (encoded as RFC 2047 where it is not ASCII).</param>
    /// <param name="last">Whether it goes at the end.</param>
    public void AddHeader(string name, string value, bool last)
    {
        var header = new Header(name, value);
        if (last)
        {
            _message.Headers.Add(header);
        }
        else
        {
            _message.Headers.Insert(0, header);
        }

        Edited = true;
    }

    /// <summary>Deletes the named header fields whose value passes <paramref name="select"/> (RFC 5293 §5).</summary>
    /// <param name="name">The field name.</param>
    /// <param name="index">The 1-based occurrence to consider, or 0 for all.</param>
    /// <param name="last">Whether <paramref name="index"/> counts from the end.</param>
    /// <param name="select">Whether a value is to go.</param>
    public void DeleteHeaders(string name, int index, bool last, Func<string, bool> select)
    {
        var positions = new List<int>();
        for (var i = 0; i < _message.Headers.Count; i++)
        {
            if (_message.Headers[i].Field.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                positions.Add(i);
            }
        }

        if (index > 0)
        {
            if (index > positions.Count)
            {
                return;
            }

            positions = [positions[last ? positions.Count - index : index - 1]];
        }

        for (var p = positions.Count - 1; p >= 0; p--)
        {
            if (select(Unfold(_message.Headers[positions[p]].Value)))
            {
                _message.Headers.RemoveAt(positions[p]);
                Edited = true;
            }
        }
    }

    /// <summary>The body as RFC 5173 transforms give it.</summary>
    /// <param name="transform">"raw", "text" or "content".</param>
    /// <param name="types">For "content": the media types (type, type/subtype, or "" for every part).</param>
    /// <returns>The texts to match.</returns>
    public List<string> Body(string transform, IReadOnlyList<string> types)
    {
        if (transform == "raw")
        {
            // RFC 5173 §5.1: the body as it is, after the header, undecoded.
            var split = IndexOfBodyStart(_raw);
            return [Encoding.UTF8.GetString(_raw, split, _raw.Length - split)];
        }

        var texts = new List<string>();
        foreach (var part in _message.BodyParts)
        {
            if (part is not MimePart mime)
            {
                continue;
            }

            var type = mime.ContentType;
            var wanted = transform == "text"
                ? type.MediaType.Equals("text", StringComparison.OrdinalIgnoreCase)
                : types.Any(t => t.Length == 0 || (t.Contains('/') ? type.MimeType.Equals(t, StringComparison.OrdinalIgnoreCase) : type.MediaType.Equals(t, StringComparison.OrdinalIgnoreCase)));
            if (!wanted)
            {
                continue;
            }

            if (mime is TextPart text)
            {
                texts.Add(text.IsHtml && transform == "text" ? StripTags(text.Text) : text.Text);
            }
            else if (mime.Content is not null)
            {
                using var decoded = new MemoryStream();
                mime.Content.DecodeTo(decoded);
                texts.Add(Encoding.UTF8.GetString(decoded.GetBuffer(), 0, (int)decoded.Length));
            }
        }

        return texts;
    }

    /// <summary>The message with the header changes, as it will be stored.</summary>
    /// <returns>The octets.</returns>
    public byte[] Serialize()
    {
        using var stream = new MemoryStream();
        _message.WriteTo(FormatOptions.Default, stream);
        return stream.ToArray();
    }

    private static string Unfold(string value) => value.Replace("\r\n", string.Empty, StringComparison.Ordinal).Replace("\n", string.Empty, StringComparison.Ordinal).Trim();

    private static int IndexOfBodyStart(byte[] raw)
    {
        var crlf = raw.AsSpan().IndexOf("\r\n\r\n"u8);
        var lf = raw.AsSpan().IndexOf("\n\n"u8);
        return crlf >= 0 && (lf < 0 || crlf < lf) ? crlf + 4 : lf >= 0 ? lf + 2 : raw.Length;
    }

    private static string StripTags(string html)
    {
        var sb = new StringBuilder(html.Length);
        var inTag = false;
        foreach (var c in html)
        {
            if (c == '<')
            {
                inTag = true;
            }
            else if (c == '>')
            {
                inTag = false;
                sb.Append(' ');
            }
            else if (!inTag)
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }
}
