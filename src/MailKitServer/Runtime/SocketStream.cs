using System.Net.Sockets;

namespace MailKitServer.Runtime;

/// <summary>
/// A connection's stream over its socket, in place of <see cref="NetworkStream"/>. The socket is non-blocking, and a
/// read or write first asks the socket directly; only one that would block goes through the socket's asynchronous
/// operation. A reply the socket takes at once (nearly all of them: they fit its send buffer) then never makes the
/// socket's cached send operation, a <see cref="SocketAsyncEventArgs"/> that every connection would otherwise keep for
/// its lifetime (about 0.3 KB for each of 10,000 connections in IMAP IDLE). Reads that wait (the pipe's zero-byte
/// reads) are the socket's own asynchronous receives, as with <see cref="NetworkStream"/>.
/// </summary>
/// <remarks>
/// Failures are reported as <see cref="NetworkStream"/> reports them, an <see cref="IOException"/> around the
/// <see cref="SocketException"/>, except for a receive that waited: its <see cref="SocketException"/> comes through
/// as it is (no wrapper stays allocated while a connection waits), which the connection treats alike.
/// </remarks>
internal sealed class SocketStream : Stream
{
    private readonly Socket _socket;

    /// <summary>Wraps a connected socket and makes it non-blocking; the stream does not own the socket.</summary>
    /// <param name="socket">The socket.</param>
    public SocketStream(Socket socket)
    {
        _socket = socket;
        socket.Blocking = false;
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

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<int>(cancellationToken);
        }

        // A zero-byte read waits for data without a buffer: always the socket's own wait.
        if (!buffer.IsEmpty)
        {
            var n = _socket.Receive(buffer.Span, SocketFlags.None, out var error);
            if (error == SocketError.Success)
            {
                return new ValueTask<int>(n);
            }

            if (error != SocketError.WouldBlock)
            {
                return ValueTask.FromException<int>(Failure(error));
            }
        }

        return _socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        while (!buffer.IsEmpty)
        {
            var n = _socket.Send(buffer.Span, SocketFlags.None, out var error);
            if (error == SocketError.WouldBlock)
            {
                // The send buffer is full (a slow client, a large FETCH): wait for the socket to take the rest.
                return SendRestAsync(buffer, cancellationToken);
            }

            if (error != SocketError.Success)
            {
                return ValueTask.FromException(Failure(error));
            }

            buffer = buffer[n..];
        }

        return default;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <summary>A blocking read (a layer's synchronous path): waits for the socket to be readable.</summary>
    public override int Read(Span<byte> buffer)
    {
        while (true)
        {
            var n = _socket.Receive(buffer, SocketFlags.None, out var error);
            if (error == SocketError.Success)
            {
                return n;
            }

            if (error != SocketError.WouldBlock)
            {
                throw Failure(error);
            }

            _socket.Poll(-1, SelectMode.SelectRead);
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    /// <summary>A blocking write (a layer's synchronous path, such as the last DEFLATE block): waits for the socket to take it all.</summary>
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            var n = _socket.Send(buffer, SocketFlags.None, out var error);
            if (error == SocketError.WouldBlock)
            {
                _socket.Poll(-1, SelectMode.SelectWrite);
                continue;
            }

            if (error != SocketError.Success)
            {
                throw Failure(error);
            }

            buffer = buffer[n..];
        }
    }

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private async ValueTask SendRestAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        try
        {
            while (!buffer.IsEmpty)
            {
                var n = await _socket.SendAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
                buffer = buffer[n..];
            }
        }
        catch (SocketException ex)
        {
            throw new IOException($"Unable to write data to the transport connection: {ex.Message}", ex);
        }
    }

    private static IOException Failure(SocketError error)
    {
        var ex = new SocketException((int)error);
        return new IOException($"Unable to transfer data on the transport connection: {ex.Message}", ex);
    }
}
