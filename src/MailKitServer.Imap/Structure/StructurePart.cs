namespace MailKitServer.Imap.Structure;

/// <summary>
/// One part of a message as the parser found it: where its header and body lie in the message (octet offsets), its
/// header fields, and its children (multipart) or encapsulated message (message/rfc822, message/global).
/// </summary>
internal sealed class StructurePart
{
    private readonly List<StructurePart> _children = [];

    internal StructurePart(long headerOffset, bool inDigest)
    {
        HeaderOffset = headerOffset;
        BodyOffset = headerOffset;
        InDigest = inDigest;
    }

    /// <summary>A part that has only header fields (no offsets, no children), for code that reads nothing else.</summary>
    /// <param name="headers">The top-level header fields.</param>
    /// <returns>The part.</returns>
    internal static StructurePart HeaderOnly(IReadOnlyList<HeaderField> headers) => new(0, inDigest: false) { Headers = headers };

    /// <summary>Where the header starts.</summary>
    public long HeaderOffset { get; }

    /// <summary>Where the body starts (after the blank line ending the header).</summary>
    public long BodyOffset { get; internal set; }

    /// <summary>Where the part ends (exclusive); the CRLF before a boundary belongs to the boundary (RFC 2046 §5.1.1).</summary>
    public long EndOffset { get; internal set; }

    /// <summary>The body size in octets.</summary>
    public long BodySize => EndOffset - BodyOffset;

    /// <summary>The header size in octets, including the blank line.</summary>
    public long HeaderSize => BodyOffset - HeaderOffset;

    /// <summary>The number of lines of the body: the line feeds in it, as Dovecot counts them.</summary>
    public long BodyLines { get; internal set; }

    /// <summary>The header fields in order.</summary>
    public IReadOnlyList<HeaderField> Headers { get; internal set; } = [];

    /// <summary>The content type (the RFC 2045 default when absent or invalid).</summary>
    public PartContentType ContentType { get; internal set; } = PartContentType.Default;

    /// <summary>The content disposition, if any.</summary>
    public PartDisposition? Disposition { get; internal set; }

    /// <summary>The parts of a multipart, in order.</summary>
    public IReadOnlyList<StructurePart> Children => _children;

    /// <summary>The encapsulated message of a message/rfc822 part.</summary>
    public StructurePart? Message { get; internal set; }

    /// <summary>Whether the header block was larger than the parser keeps (the fields past the limit are missing).</summary>
    public bool HeaderTruncated { get; internal set; }

    /// <summary>Whether a multipart lacked its closing boundary.</summary>
    public bool MissingCloseBoundary { get; internal set; }

    /// <summary>The message's PREVIEW (RFC 8970), once worked out (kept with the cached structure), or null.</summary>
    internal string? Preview { get; set; }

    internal bool InDigest { get; }

    internal long BodyLineFeedsAtStart { get; set; }

    /// <summary>The value of the first header field of that name, or <see langword="null"/>.</summary>
    /// <param name="name">The field name, in any case.</param>
    /// <returns>The value, unfolded.</returns>
    public string? GetHeader(string name)
    {
        // A loop, not LINQ: ENVELOPE asks for ten fields of every message a first FETCH reads (no closure per call).
        var headers = Headers;
        for (var i = 0; i < headers.Count; i++)
        {
            if (headers[i].Name.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return headers[i].Value;
            }
        }

        return null;
    }

    /// <summary>The Content-Transfer-Encoding, lower case (7bit when absent).</summary>
    public string TransferEncoding => GetHeader("Content-Transfer-Encoding")?.Trim().ToLowerInvariant() is { Length: > 0 } e ? e : "7bit";

    /// <summary>
    /// Finds a part by IMAP section number (<c>1.2.3</c>; RFC 3501 §6.4.5, RFC 9051 §6.4.5), as Dovecot does: a
    /// multipart's numbers name its children; a part that is not a multipart has only the number 1 (itself); after
    /// a message/rfc822 part, further numbers name the parts of the message inside it.
    /// </summary>
    /// <param name="section">The part numbers, at least one.</param>
    /// <returns>The part, or <see langword="null"/> when there is none.</returns>
    public StructurePart? FindPart(IReadOnlyList<int> section)
    {
        ArgumentNullException.ThrowIfNull(section);
        var current = this;
        for (var i = 0; i < section.Count; i++)
        {
            var n = section[i];
            var more = i < section.Count - 1;
            if (current.ContentType.IsMultipart)
            {
                if (n < 1 || n > current.Children.Count)
                {
                    return null;
                }

                current = current.Children[n - 1];
            }
            else if (n != 1 || (more && current.Message is null))
            {
                // RFC 3501 §6.4.5: "every message has at least one part number"; only an encapsulated message goes deeper.
                return null;
            }

            if (more && current.Message is { } inner)
            {
                current = inner;
            }
        }

        return current;
    }

    /// <summary>Every part in depth-first order, this one first.</summary>
    /// <returns>The parts.</returns>
    public IEnumerable<StructurePart> Descendants()
    {
        var stack = new Stack<StructurePart>();
        stack.Push(this);
        while (stack.Count > 0)
        {
            var e = stack.Pop();
            yield return e;
            if (e.Message is { } m)
            {
                stack.Push(m);
            }

            for (var i = e._children.Count - 1; i >= 0; i--)
            {
                stack.Push(e._children[i]);
            }
        }
    }

    internal void AddChild(StructurePart child) => _children.Add(child);
}
