using MailKitServer.Runtime;

namespace MailKitServer.Smtp.Data;

/// <summary>
/// A read-only, seekable view of content with octets inserted and ranges removed, read straight from the source
/// without copying it: how a received message gets its Authentication-Results field (and loses forged ones), and how
/// an outbound message gets its DKIM-Signature, while the stored octets stay as received.
/// </summary>
internal sealed class EditedContent : SeekableReadStream
{
    private readonly Stream _source;
    private readonly List<Piece> _pieces = [];
    private long _length;

    /// <summary>Creates the view.</summary>
    /// <param name="source">The content; seekable; owned (disposed with the view).</param>
    /// <param name="from">The first octet of the source the view shows.</param>
    /// <param name="edits">The edits, at offsets in the source at or after <paramref name="from"/>; removals must not overlap.</param>
    public EditedContent(Stream source, long from, IEnumerable<ContentEdit> edits)
    {
        _source = source;
        var sourceLength = source.Length;
        var cursor = from;
        foreach (var edit in edits.Where(e => e.Offset >= from).OrderBy(e => e.Offset).ThenBy(e => e.RemoveLength))
        {
            if (edit.Offset > cursor)
            {
                Add(new Piece(cursor, edit.Offset - cursor, null));
                cursor = edit.Offset;
            }

            if (edit.Insert.Length > 0)
            {
                Add(new Piece(0, edit.Insert.Length, edit.Insert));
            }

            cursor = Math.Max(cursor, Math.Min(sourceLength, edit.Offset + edit.RemoveLength));
        }

        if (sourceLength > cursor)
        {
            Add(new Piece(cursor, sourceLength - cursor, null));
        }
    }

    public override long Length => _length;

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var total = 0;
        while (!buffer.IsEmpty && Locate(buffer.Length) is { } located)
        {
            var (piece, within, n) = located;
            if (piece.Data is { } data)
            {
                data.AsSpan((int)within, n).CopyTo(buffer);
            }
            else
            {
                _source.Position = piece.SourceOffset + within;
                n = _source.Read(buffer[..n]);
                if (n == 0)
                {
                    break;
                }
            }

            buffer = buffer[n..];
            Advance(n);
            total += n;
        }

        return total;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var total = 0;
        while (!buffer.IsEmpty && Locate(buffer.Length) is { } located)
        {
            var (piece, within, n) = located;
            if (piece.Data is { } data)
            {
                data.AsMemory((int)within, n).CopyTo(buffer);
            }
            else
            {
                _source.Position = piece.SourceOffset + within;
                n = await _source.ReadAsync(buffer[..n], cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }
            }

            buffer = buffer[n..];
            Advance(n);
            total += n;
        }

        return total;
    }

    /// <summary>The piece the position is in, the offset within it and how many octets (at most <paramref name="wanted"/>) it has from there; null at the end.</summary>
    private (Piece Piece, long Within, int Count)? Locate(int wanted)
    {
        foreach (var piece in _pieces)
        {
            if (ReadPosition >= piece.Start && ReadPosition < piece.Start + piece.Length)
            {
                var within = ReadPosition - piece.Start;
                return (piece, within, (int)Math.Min(wanted, piece.Length - within));
            }
        }

        return null;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _source.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await _source.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    private void Add(Piece piece)
    {
        _pieces.Add(piece with { Start = _length });
        _length += piece.Length;
    }

    /// <param name="SourceOffset">Where in the source (for source pieces).</param>
    /// <param name="Length">How many octets.</param>
    /// <param name="Data">The inserted octets, or null for a source piece.</param>
    private sealed record Piece(long SourceOffset, long Length, byte[]? Data)
    {
        /// <summary>Where the piece starts in the view.</summary>
        public long Start { get; init; }
    }
}
