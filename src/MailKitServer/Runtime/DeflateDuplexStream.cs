using System.IO.Compression;

namespace MailKitServer.Runtime;

/// <summary>
/// A connection's stream with raw DEFLATE both ways (RFC 1951, as IMAP COMPRESS=DEFLATE, RFC 4978, uses it): reads
/// inflate what the peer sent (starting with the octets already read off the wire when compression began), writes
/// deflate, and a flush ends the compressed block with a sync flush so the peer can decode everything written so
/// far. One inflater and one deflater per connection (a few hundred kilobytes at most); what the inflater gives goes
/// through the same bounded pipe and line limits as plain input, so a stream that inflates a thousandfold only costs
/// reading time. Disposing closes the inner stream too.
/// </summary>
internal sealed class DeflateDuplexStream : Stream
{
    private readonly Stream _inner;
    private readonly DeflateStream _inflate;
    private readonly DeflateStream _deflate;

    /// <summary>Wraps a connection's stream.</summary>
    /// <param name="inner">The plain or TLS stream.</param>
    /// <param name="pending">Compressed octets already read from <paramref name="inner"/>.</param>
    public DeflateDuplexStream(Stream inner, byte[] pending)
    {
        _inner = inner;
        _inflate = new DeflateStream(new PrefixedStream(pending, inner), CompressionMode.Decompress, leaveOpen: false);
        _deflate = new DeflateStream(inner, CompressionLevel.Fastest, leaveOpen: true);
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        try
        {
            return _inflate.Read(buffer, offset, count);
        }
        catch (InvalidDataException ex)
        {
            throw NotDeflate(ex);
        }
    }

    /// <summary>Reads inflated octets; input that is not valid DEFLATE ends the connection like a broken one (an <see cref="IOException"/>).</summary>
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            return await _inflate.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException ex)
        {
            throw NotDeflate(ex);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => _deflate.Write(buffer, offset, count);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => _deflate.WriteAsync(buffer, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => _deflate.WriteAsync(buffer, offset, count, cancellationToken);

    /// <summary>A sync flush (Z_SYNC_FLUSH): everything written so far reaches the peer decodable.</summary>
    public override void Flush() => _deflate.Flush();

    /// <inheritdoc cref="Flush"/>
    public override Task FlushAsync(CancellationToken cancellationToken) => _deflate.FlushAsync(cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override async ValueTask DisposeAsync()
    {
        await DisposeQuietlyAsync(_deflate).ConfigureAwait(false);
        await DisposeQuietlyAsync(_inflate).ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _deflate.Dispose();
            _inflate.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>Garbage where DEFLATE was agreed: the stream cannot resynchronise, so the connection is over.</summary>
    private static IOException NotDeflate(InvalidDataException ex) => new("The peer sent data that is not valid DEFLATE.", ex);

    private static async ValueTask DisposeQuietlyAsync(Stream stream)
    {
        try
        {
            await stream.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The peer is gone: the deflater's last block has nowhere to go.
        }
    }

    /// <summary>Octets read ahead, then the rest of the inner stream; disposing disposes the inner stream.</summary>
    private sealed class PrefixedStream(byte[] prefix, Stream inner) : ForwardReadStream
    {
        private int _offset;

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_offset < prefix.Length)
            {
                var n = Math.Min(buffer.Length, prefix.Length - _offset);
                prefix.AsSpan(_offset, n).CopyTo(buffer);
                _offset += n;
                return n;
            }

            return inner.Read(buffer);
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_offset < prefix.Length)
            {
                return ValueTask.FromResult(Read(buffer.Span));
            }

            return inner.ReadAsync(buffer, cancellationToken);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
