using System.Buffers;
using System.Text;

namespace MailKitServer.Imap.Structure;

/// <summary>
/// A streaming MIME parser (RFC 2045, 2046, 5322): feed it the message in blocks of any size and get the part tree
/// with the exact offsets of every header and body. Memory stays bounded: only header blocks (capped) and the first
/// kilobyte of each line are kept, never bodies. Malformed input always gives a structure, never an exception.
/// </summary>
internal sealed class StructureParser
{
    private const int PrefixSize = 1024;
    private readonly StructureLimits _options;
    private readonly List<Frame> _stack = [];
    // From the shared pool, given back by Complete (a parser never completed leaves it to the collector).
    private byte[] _prefix = ArrayPool<byte>.Shared.Rent(PrefixSize);
    private readonly StructurePart _root;
    private int _prefixLength;
    private long _lineStart;
    private long _lineLength;
    private long _offset;
    private long _lineFeeds;
    private int _previousTerminator;
    private bool _previousLineWasBoundary;
    private int _headerCountAtLineStart;
    private byte _lastByte;
    private int _parts = 1;
    private bool _completed;

    /// <summary>Starts parsing a message.</summary>
    /// <param name="options">The limits, or <see langword="null"/> for the defaults.</param>
    public StructureParser(StructureLimits? options = null)
    {
        _options = options ?? StructureLimits.Default;
        _root = new StructurePart(0, inDigest: false);
        _stack.Add(new Frame(_root, new ByteBuffer(_options.MaxHeaderBytes)));
    }

    /// <summary>Parses a whole message held in memory.</summary>
    /// <param name="message">The whole message, header and body.</param>
    /// <param name="options">The limits.</param>
    /// <returns>The root entity.</returns>
    public static StructurePart Parse(ReadOnlySpan<byte> message, StructureLimits? options = null)
    {
        var parser = new StructureParser(options);
        parser.Feed(message);
        return parser.Complete();
    }

    /// <summary>Parses a message from a sequence.</summary>
    /// <param name="message">The whole message, header and body.</param>
    /// <param name="options">The limits.</param>
    /// <returns>The root entity.</returns>
    public static StructurePart Parse(ReadOnlySequence<byte> message, StructureLimits? options = null)
    {
        var parser = new StructureParser(options);
        foreach (var segment in message)
        {
            parser.Feed(segment.Span);
        }

        return parser.Complete();
    }

    /// <summary>Parses a message from a stream, reading it once to its end.</summary>
    /// <param name="message">The message; read to its end, not disposed.</param>
    /// <param name="options">The limits.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The root entity.</returns>
    public static async ValueTask<StructurePart> ParseAsync(Stream message, StructureLimits? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var parser = new StructureParser(options);
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            int n;
            while ((n = await message.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                parser.Feed(buffer.AsSpan(0, n));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return parser.Complete();
    }

    /// <summary>Feeds the next block of the message.</summary>
    /// <param name="block">The octets.</param>
    public void Feed(ReadOnlySpan<byte> block)
    {
        if (_completed)
        {
            throw new InvalidOperationException("The parser has completed.");
        }

        while (!block.IsEmpty)
        {
            if (_lineLength == 0 && SkippableLines(block) is var skip and > 0)
            {
                SkipLines(block[..skip]);
                block = block[skip..];
                continue;
            }

            var lf = block.IndexOf((byte)'\n');
            var piece = lf < 0 ? block : block[..(lf + 1)];
            Append(piece);
            _offset += piece.Length;
            block = block[piece.Length..];
            if (lf >= 0)
            {
                var crlf = piece.Length >= 2 ? piece[^2] == (byte)'\r' : _lastByteBeforePiece == (byte)'\r';
                _lineFeeds++;
                EndLine(crlf ? 2 : 1, hasLineFeed: true);
            }

            _lastByte = piece[^1];
        }
    }

    /// <summary>Ends the input and returns the structure.</summary>
    /// <returns>The root entity.</returns>
    public StructurePart Complete()
    {
        if (_completed)
        {
            return _root;
        }

        _completed = true;
        if (_lineLength > 0)
        {
            EndLine(0, hasLineFeed: false);
        }

        for (var i = _stack.Count - 1; i >= 0; i--)
        {
            Close(_stack[i], _offset, _lineFeeds);
        }

        _stack.Clear();
        ArrayPool<byte>.Shared.Return(_prefix);
        _prefix = [];
        return _root;
    }

    private byte _lastByteBeforePiece;

    /// <summary>
    /// How many octets of whole lines at the start of <paramref name="block"/> (a line starts there) can neither end a
    /// header nor be a boundary: in a body (no header being read), every line when no multipart around it waits for a
    /// boundary (a single-part message's body, an epilogue), else the lines up to the next one that starts with '-'.
    /// Those are only counted (issue 24: SEARCH TEXT parses every message of a mailbox, most of whose lines are body).
    /// </summary>
    private int SkippableLines(ReadOnlySpan<byte> block)
    {
        if (_stack[^1].Header is not null)
        {
            return 0;
        }

        if (!WaitsForBoundary())
        {
            return block.LastIndexOf((byte)'\n') + 1;
        }

        if (block[0] == (byte)'-')
        {
            return 0;
        }

        var dash = block.IndexOf("\n-"u8);
        return dash >= 0 ? dash + 1 : block.LastIndexOf((byte)'\n') + 1;
    }

    private bool WaitsForBoundary()
    {
        for (var i = _stack.Count - 1; i >= 0; i--)
        {
            if (_stack[i].Boundary is not null && !_stack[i].Closed)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Counts whole body lines (<see cref="SkippableLines"/>) as <see cref="EndLine"/> would leave the state after them.</summary>
    private void SkipLines(ReadOnlySpan<byte> lines)
    {
        var crlf = lines.Length >= 2 ? lines[^2] == (byte)'\r' : _lastByte == (byte)'\r';
        _lineFeeds += lines.Count((byte)'\n');
        _offset += lines.Length;
        _lineStart = _offset;
        _previousTerminator = crlf ? 2 : 1;
        _previousLineWasBoundary = false;
        _lastByte = (byte)'\n';
    }

    private void Append(ReadOnlySpan<byte> piece)
    {
        _lastByteBeforePiece = _lastByte;
        if (_lineLength == 0)
        {
            _headerCountAtLineStart = _stack[^1].Header?.Count ?? 0;
        }

        var room = PrefixSize - _prefixLength;
        if (room > 0)
        {
            var n = Math.Min(room, piece.Length);
            piece[..n].CopyTo(_prefix.AsSpan(_prefixLength));
            _prefixLength += n;
        }

        _stack[^1].Header?.Append(piece);
        _lineLength += piece.Length;
    }

    private void EndLine(int terminator, bool hasLineFeed)
    {
        var lineEnd = _lineStart + _lineLength;
        var contentLength = (int)Math.Min(_prefixLength, _lineLength - terminator);
        var content = _prefix.AsSpan(0, Math.Max(0, contentLength));
        var top = _stack[^1];
        var index = -1;
        var isClose = false;
        var isBoundary = _lineLength - terminator <= PrefixSize && TryMatchBoundary(content, out index, out isClose);
        if (isBoundary)
        {
            if (top.Header is { } header)
            {
                header.Truncate(_headerCountAtLineStart);
            }

            HandleBoundary(index, isClose, lineEnd, hasLineFeed);
        }
        else if (top.Header is not null && _lineLength == terminator && terminator > 0)
        {
            EndHeaders(top, lineEnd);
        }

        _previousTerminator = terminator;
        _previousLineWasBoundary = isBoundary;
        _lineStart = lineEnd;
        _lineLength = 0;
        _prefixLength = 0;
    }

    private bool TryMatchBoundary(ReadOnlySpan<byte> line, out int index, out bool isClose)
    {
        index = -1;
        isClose = false;
        if (line.Length < 3 || line[0] != (byte)'-' || line[1] != (byte)'-')
        {
            return false;
        }

        for (var i = _stack.Count - 1; i >= 0; i--)
        {
            var boundary = _stack[i].Boundary;
            if (boundary is null || _stack[i].Closed || !line[2..].StartsWith(boundary))
            {
                continue;
            }

            // RFC 2046 §5.1.1: "it is sufficient that the boundary appear in its entirety following the CRLF".
            isClose = line[(2 + boundary.Length)..].StartsWith("--"u8);
            index = i;
            return true;
        }

        return false;
    }

    private void HandleBoundary(int index, bool isClose, long lineEnd, bool boundaryHasLineFeed)
    {
        // RFC 2046 §5.1.1: the CRLF before a boundary belongs to the boundary, not to the part before it. Which part
        // gives it up follows Dovecot, so every section's octets match: after a boundary line its own line end is
        // kept (the "first line" case); when the line end ends a header line (or the blank line) of a part, that
        // header gives it up and the parts around it keep it; when it ends body text, the body and every part that
        // ends with it give it up.
        var lineFeedsBefore = _lineFeeds - (boundaryHasLineFeed ? 1 : 0);
        var stolenEnd = _lineStart - _previousTerminator;
        var steal = _previousTerminator > 0 && !_previousLineWasBoundary;
        var headerOwner = steal ? HeaderHolding(stolenEnd, index) : -1;
        for (var i = _stack.Count - 1; i > index; i--)
        {
            var frame = _stack[i];
            if (i == headerOwner)
            {
                if (frame.Header is not null)
                {
                    ApplyHeaders(frame);
                }

                frame.Entity.BodyOffset = stolenEnd;
                frame.Entity.BodyLineFeedsAtStart = lineFeedsBefore - 1;
                Close(frame, stolenEnd, lineFeedsBefore - 1);
            }
            else if (steal && headerOwner < 0 && frame.Header is null && stolenEnd >= frame.Entity.BodyOffset)
            {
                Close(frame, stolenEnd, lineFeedsBefore - 1);
            }
            else
            {
                Close(frame, Math.Max(frame.Entity.BodyOffset, _lineStart), lineFeedsBefore);
            }

            _stack.RemoveAt(i);
        }

        var parent = _stack[index];
        if (isClose)
        {
            parent.Closed = true;
            return;
        }

        if (_parts >= _options.MaxParts)
        {
            return;
        }

        _parts++;
        var child = new StructurePart(lineEnd, inDigest: parent.Entity.ContentType.SubType == "digest");
        parent.Entity.AddChild(child);
        _stack.Add(new Frame(child, new ByteBuffer(_options.MaxHeaderBytes)));
    }

    /// <summary>The deepest open frame above <paramref name="index"/> whose header holds the octet at <paramref name="position"/>, or -1.</summary>
    private int HeaderHolding(long position, int index)
    {
        for (var i = _stack.Count - 1; i > index; i--)
        {
            var entity = _stack[i].Entity;
            var headerEnd = _stack[i].Header is null ? entity.BodyOffset : long.MaxValue;
            if (position >= entity.HeaderOffset && position < headerEnd)
            {
                return i;
            }
        }

        return -1;
    }

    private void EndHeaders(Frame frame, long bodyOffset)
    {
        var entity = frame.Entity;
        ApplyHeaders(frame);
        entity.BodyOffset = bodyOffset;
        entity.BodyLineFeedsAtStart = _lineFeeds;
        var depth = _stack.Count;
        if (entity.ContentType.IsMultipart && Boundary(entity.ContentType) is { Length: > 0 and <= 200 } boundary && depth < _options.MaxDepth)
        {
            frame.Boundary = boundary;
        }
        else if (entity.ContentType.IsMessage && depth < _options.MaxDepth && _parts < _options.MaxParts)
        {
            _parts++;
            var inner = new StructurePart(bodyOffset, inDigest: false);
            entity.Message = inner;
            _stack.Add(new Frame(inner, new ByteBuffer(_options.MaxHeaderBytes)));
        }
    }

    /// <summary>The boundary's octets as the header writes them (never decoded as an encoded word; 8-bit octets kept).</summary>
    private static byte[]? Boundary(PartContentType type)
    {
        var value = type.RawParameters.FirstOrDefault(p => p.Name.Equals("boundary", StringComparison.OrdinalIgnoreCase))?.Value ?? type["boundary"];
        return value is null ? null : HeaderOctets.Encode(value);
    }

    private void ApplyHeaders(Frame frame)
    {
        var entity = frame.Entity;
        var header = frame.Header!;
        entity.Headers = HeaderParser.Parse(header.Span);
        entity.HeaderTruncated = header.Overflowed;
        var contentType = entity.GetHeader("Content-Type");
        entity.ContentType = (contentType is null ? null : HeaderParameterParser.ParseContentType(contentType))
            ?? (entity.InDigest ? PartContentType.DigestDefault : PartContentType.Default);
        if (entity.GetHeader("Content-Disposition") is { } disposition)
        {
            entity.Disposition = HeaderParameterParser.ParseContentDisposition(disposition);
        }

        header.Release();
        frame.Header = null;
    }

    private void Close(Frame frame, long end, long lineFeedsAtEnd)
    {
        var entity = frame.Entity;
        if (frame.Header is not null)
        {
            // The header never ended with a blank line: all of it is header, the body is empty.
            ApplyHeaders(frame);
            entity.BodyOffset = Math.Max(entity.HeaderOffset, end);
            entity.BodyLineFeedsAtStart = lineFeedsAtEnd;
        }

        entity.EndOffset = Math.Max(entity.BodyOffset, end);
        entity.BodyLines = entity.BodySize == 0 ? 0 : Math.Max(0, lineFeedsAtEnd - entity.BodyLineFeedsAtStart);
        if (frame.Boundary is not null && !frame.Closed)
        {
            entity.MissingCloseBoundary = true;
        }
    }

    private sealed class Frame(StructurePart entity, ByteBuffer header)
    {
        public StructurePart Entity { get; } = entity;

        public ByteBuffer? Header { get; set; } = header;

        public byte[]? Boundary { get; set; }

        public bool Closed { get; set; }
    }
}
