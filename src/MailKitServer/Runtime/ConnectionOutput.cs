using System.Buffers;
using System.IO.Pipelines;

namespace MailKitServer.Runtime;

/// <summary>
/// A connection's output (<see cref="MailConnection.Output"/>): what the engine writes is kept in arrays from the
/// shared pool until a flush writes them to the stream and gives them back. It replaces the framework's pipe writer
/// over a stream, which keeps a segment, its segment pool, a lock object and a token source for the connection's
/// lifetime (about 0.3 KB for each of 10,000 connections in IMAP IDLE); between flushes this one holds no buffer.
/// </summary>
/// <remarks>
/// Not thread-safe, as a <see cref="PipeWriter"/> is not: the connection serializes writers (its output lock).
/// <see cref="CancelPendingFlush"/> ends a flush that waits for a slow client; the flush then reports
/// <see cref="FlushResult.IsCanceled"/>, and what it had not written is dropped (the connection is over). A cancel
/// that comes when no flush waits is forgotten.
/// </remarks>
internal sealed class ConnectionOutput(Stream stream) : PipeWriter
{
    private const int MinimumBufferSize = 4096;
    private const int MaximumBufferSize = 2 * MailConnection.ResponseChunk; // room past the flush point: one write per flush
    private byte[]? _current;
    private int _bufferSize = MinimumBufferSize; // what the next array is rented at: doubles while a response fills arrays
    private int _currentUsed;
    private Queue<(byte[] Array, int Length)>? _filled; // arrays filled before the current one (large responses only)
    private long _unflushed;
    private CancellationTokenSource? _flushCancel; // made by the first flush that has to wait for the client
    private bool _completed;

    /// <inheritdoc />
    public override bool CanGetUnflushedBytes => true;

    /// <inheritdoc />
    public override long UnflushedBytes => _unflushed;

    /// <inheritdoc />
    public override void Advance(int bytes)
    {
        if (_current is null || (uint)bytes > (uint)(_current.Length - _currentUsed))
        {
            throw new ArgumentOutOfRangeException(nameof(bytes));
        }

        _currentUsed += bytes;
        _unflushed += bytes;
    }

    /// <inheritdoc />
    public override Memory<byte> GetMemory(int sizeHint = 0)
    {
        var start = Reserve(sizeHint);
        return _current.AsMemory(start);
    }

    /// <inheritdoc />
    public override Span<byte> GetSpan(int sizeHint = 0)
    {
        var start = Reserve(sizeHint);
        return _current.AsSpan(start);
    }

    /// <inheritdoc />
    public override void CancelPendingFlush() => _flushCancel?.Cancel();

    /// <inheritdoc />
    public override void Complete(Exception? exception = null)
    {
        _completed = true;
        Release();
    }

    /// <inheritdoc />
    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfCompleted();
        if (_unflushed < _bufferSize / 2)
        {
            // Small responses again: back to small arrays (a connection in IDLE holds none between flushes anyway).
            _bufferSize = MinimumBufferSize;
        }

        try
        {
            // Most flushes complete at once (the socket takes the data): no state machine, no token source.
            while (Take() is (var array, var length))
            {
                var write = stream.WriteAsync(array.AsMemory(0, length), CancellationToken.None);
                if (!write.IsCompletedSuccessfully)
                {
                    return FlushSlowlyAsync(write, array, cancellationToken);
                }

                // A completed ValueTask is still consumed: one backed by a reusable source (a socket's or a TLS
                // stream's) gives its source back only then.
                write.GetAwaiter().GetResult();
                ArrayPool<byte>.Shared.Return(array);
            }

            var flush = stream.FlushAsync(CancellationToken.None);
            return flush.IsCompletedSuccessfully ? default : FlushSlowlyAsync(new ValueTask(flush), null, cancellationToken);
        }
        catch
        {
            Release();
            throw;
        }
    }

    /// <summary>
    /// Finishes a flush that has to wait for the client. <see cref="CancelPendingFlush"/> (or the caller's token) ends
    /// the wait, not the write: the array of a write still pending is left to the garbage collector, never given back
    /// to the pool while the stream may still read it. The connection is over after that.
    /// </summary>
    private async ValueTask<FlushResult> FlushSlowlyAsync(ValueTask pending, byte[]? inFlight, CancellationToken cancellationToken)
    {
        if (_flushCancel is null || !_flushCancel.TryReset())
        {
            _flushCancel = new CancellationTokenSource();
        }

        var cancel = _flushCancel;
        await using var link = cancellationToken.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), cancel).ConfigureAwait(false);
        try
        {
            while (true)
            {
                await WaitAsync(pending, cancel.Token).ConfigureAwait(false);
                if (inFlight is not null)
                {
                    ArrayPool<byte>.Shared.Return(inFlight);
                    inFlight = null;
                }

                if (Take() is not (var array, var length))
                {
                    break;
                }

                inFlight = array;
                pending = stream.WriteAsync(array.AsMemory(0, length), CancellationToken.None);
            }

            await WaitAsync(new ValueTask(stream.FlushAsync(CancellationToken.None)), cancel.Token).ConfigureAwait(false);
            return new FlushResult(isCanceled: false, isCompleted: false);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            Release();
            return new FlushResult(isCanceled: true, isCompleted: false);
        }
        catch
        {
            // The write failed: it has ended, its array is free.
            if (inFlight is not null)
            {
                ArrayPool<byte>.Shared.Return(inFlight);
            }

            Release();
            throw;
        }
    }

    /// <summary>Waits for a write or flush until <paramref name="token"/> is cancelled; a write given up on is still observed (its failure is expected).</summary>
    private static async ValueTask WaitAsync(ValueTask operation, CancellationToken token)
    {
        if (operation.IsCompleted)
        {
            await operation.ConfigureAwait(false);
            return;
        }

        var task = operation.AsTask();
        try
        {
            await task.WaitAsync(token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            _ = task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            throw;
        }
    }

    private void ThrowIfCompleted()
    {
        if (_completed)
        {
            throw new InvalidOperationException("Writing is not allowed after the writer was completed.");
        }
    }

    /// <summary>Makes room for at least <paramref name="sizeHint"/> octets in the current array; returns where they start.</summary>
    private int Reserve(int sizeHint)
    {
        ThrowIfCompleted();
        var needed = Math.Max(sizeHint, 1);
        if (_current is not null && _current.Length - _currentUsed >= needed)
        {
            return _currentUsed;
        }

        if (_current is not null && _currentUsed > 0)
        {
            (_filled ??= new Queue<(byte[] Array, int Length)>()).Enqueue((_current, _currentUsed));

            // A response that outgrows its array (FETCH of thousands of messages) gets larger ones, up to twice the
            // 64 KB a streaming command flushes at, so that a flush writes one array: each array is one write to
            // the socket, and every write wakes the client (issue 24: a FETCH 1:* ENVELOPE of 20,000 messages was
            // 1,975 sends of 4 KB).
            _bufferSize = Math.Min(_bufferSize * 2, MaximumBufferSize);
        }
        else if (_current is not null)
        {
            ArrayPool<byte>.Shared.Return(_current);
        }

        _current = ArrayPool<byte>.Shared.Rent(Math.Max(needed, _bufferSize));
        _currentUsed = 0;
        return 0;
    }

    /// <summary>Takes the next array to write, oldest first, or null when everything was taken.</summary>
    private (byte[] Array, int Length)? Take()
    {
        if (_filled is { Count: > 0 })
        {
            var first = _filled.Dequeue();
            _unflushed -= first.Length;
            return first;
        }

        var array = _current;
        var length = _currentUsed;
        _current = null;
        _currentUsed = 0;
        _unflushed = 0;
        if (array is not null && length == 0)
        {
            ArrayPool<byte>.Shared.Return(array);
            array = null;
        }

        return array is null ? null : (array, length);
    }

    /// <summary>Gives back every array not written.</summary>
    private void Release()
    {
        if (_filled is not null)
        {
            foreach (var (array, _) in _filled)
            {
                ArrayPool<byte>.Shared.Return(array);
            }

            _filled = null;
        }

        if (_current is not null)
        {
            ArrayPool<byte>.Shared.Return(_current);
            _current = null;
        }

        _currentUsed = 0;
        _unflushed = 0;
    }
}
