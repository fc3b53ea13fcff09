using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;
using MailKitServer.Diagnostics;
using Microsoft.Extensions.Logging;

namespace MailKitServer.Runtime;

/// <summary>
/// One accepted connection as a protocol engine sees it: pipes over the (possibly TLS) stream, a bounded line reader,
/// reply writing with flushes deferred until the engine would wait for input (so pipelined commands get their
/// replies in one write), time-outs on the server's <see cref="TimeProvider"/>, the STARTTLS upgrade, and the transcript.
/// </summary>
internal sealed partial class MailConnection : IAsyncDisposable
{
    private const int LargeWrite = 4096;

    /// <summary>How many queued octets <see cref="FlushWhenFullAsync"/> sends at once.</summary>
    internal const int ResponseChunk = 64 * 1024;
    private readonly Socket _socket;
    private readonly SocketStream _networkStream;
    private readonly CancellationToken _shutdown;
    private readonly CancellationToken _abort;
    private readonly ILogger _logger;
    private Stream _stream;
    private ITimer? _readTimer;
    private IPEndPoint? _localEndPoint;
    private DateTimeOffset? _readDeadline;
    private readonly SemaphoreSlim _outputLock = new(1, 1);
    private readonly LineFraming _framing = new();
    private readonly ConnectionBufferPool _inputBuffers = new();
    private bool _hasBufferedInput;
    private volatile bool _pendingFlush;
    private volatile bool _peerGone;
    private volatile bool _honourShutdown;
    private volatile bool _reading;
    private int _disposed;

    internal MailConnection(long id, Socket socket, BoundEndpoint listener, MailServerContext server, CancellationToken shutdown, CancellationToken abort)
    {
        Id = id;
        _socket = socket;
        Listener = listener;
        Server = server;
        _shutdown = shutdown;
        _abort = abort;
        RemoteEndPoint = (IPEndPoint)socket.RemoteEndPoint!;
        _networkStream = new SocketStream(socket);
        _stream = _networkStream;
        _logger = server.LoggerFactory.CreateLogger("MailKitServer.Connection");
        Transcript = new TranscriptLogger(server.LoggerFactory.CreateLogger("MailKitServer.Transcript"), id);
        IdleTimeout = server.Options.IdleTimeout;
        (Input, Output) = CreatePipes(_stream);
    }

    /// <summary>The connection id, as logs and transcripts show it.</summary>
    public long Id { get; }

    /// <summary>The listener that accepted the connection.</summary>
    public BoundEndpoint Listener { get; }

    /// <summary>The server's services: store, directory, policy, options, clock, logging.</summary>
    public MailServerContext Server { get; }

    /// <summary>The client's address.</summary>
    public IPEndPoint RemoteEndPoint { get; }

    /// <summary>The server's address of this connection (asked of the socket when first needed: IMAP and POP3 never do).</summary>
    public IPEndPoint LocalEndPoint => _localEndPoint ??= (IPEndPoint)_socket.LocalEndPoint!;

    /// <summary>Whether TCP_NODELAY is on for the connection (asked of the socket): replies go out without waiting.</summary>
    internal bool NoDelay => _socket.NoDelay;

    /// <summary>The input. Engines that read raw data (DATA, BDAT, literals) use it with <see cref="ReadAsync"/>.</summary>
    public PipeReader Input { get; private set; }

    /// <summary>The output. Prefer <see cref="Write(ReadOnlySpan{byte})"/>, which defers the flush.</summary>
    public PipeWriter Output { get; private set; }

    /// <summary>How long a read may wait for the client before it times out.</summary>
    public TimeSpan IdleTimeout { get; set; }

    /// <summary>
    /// How long one line may take from its first octet to its end (<see cref="Timeout.InfiniteTimeSpan"/>: no limit).
    /// The idle time-out restarts with every read, so without this a client sending a byte a minute would hold a
    /// session forever.
    /// </summary>
    public TimeSpan LineTimeout { get; set; } = Timeout.InfiniteTimeSpan;

    /// <summary>
    /// A point in time (on the server's <see cref="TimeProvider"/>) after which reads time out whatever the idle
    /// time-out: engines set it around a whole transfer (DATA, a BDAT chunk, an IMAP literal) and clear it after.
    /// </summary>
    public DateTimeOffset? Deadline { get; set; }

    /// <summary>
    /// Whether the peer is gone: a read or a write failed on the socket, or the client closed its side. An
    /// <see cref="IOException"/> raised while this is false did not come from the network (a store on disk, say).
    /// </summary>
    public bool IsPeerGone => _peerGone;

    /// <summary>Signalled when the server begins a graceful shutdown.</summary>
    public CancellationToken ShutdownRequested => _shutdown;

    /// <summary>Signalled when the server aborts connections at its shutdown deadline.</summary>
    public CancellationToken Aborted => _abort;

    /// <summary>The protocol transcript (trace level), with credentials redacted.</summary>
    public TranscriptLogger Transcript { get; }

    /// <summary>Whether input is buffered that the engine has not read yet (pipelined commands).</summary>
    public bool HasBufferedInput => _hasBufferedInput;

    /// <summary>
    /// Reads one line of at most <paramref name="maxLength"/> octets (counting CRLF). An over-long line is discarded up
    /// to its end and reported as <see cref="LineReadStatus.TooLong"/>, so the session stays in sync and nothing grows
    /// without bound; the result then carries the line's first octets (<see cref="LineReadResult.Line"/>, up to 256:
    /// a tag to answer with) and its last ones (<see cref="LineReadResult.Tail"/>, up to 32: a literal announced at
    /// its end). Pending replies are flushed before the read waits for the network. The read times out after
    /// <see cref="IdleTimeout"/>, when the line takes longer than <see cref="LineTimeout"/> from its first octet, or at
    /// the <see cref="Deadline"/>.
    /// </summary>
    /// <param name="maxLength">The longest line accepted.</param>
    /// <param name="honourShutdown">Whether a graceful shutdown interrupts this read (true between commands).</param>
    /// <returns>The line, valid until the next read, or why there is none.</returns>
    public async ValueTask<LineReadResult> ReadLineAsync(int maxLength, bool honourShutdown = true)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 2);

        DateTimeOffset? lineDeadline = null;
        _inputBuffers.Bulk = false;
        _framing.Release();
        while (true)
        {
            if (!_hasBufferedInput && _pendingFlush)
            {
                if (!await TryFlushAsync().ConfigureAwait(false))
                {
                    return new LineReadResult(LineReadStatus.Closed, default, false);
                }
            }

            // The read is awaited here rather than through ReadCoreAsync: one state machine less for every connection
            // waiting for its next line (10,000 in IMAP IDLE keep 240 bytes each less).
            if (BeginRead(honourShutdown, lineDeadline) is { } refused)
            {
                return new LineReadResult(refused, default, false);
            }

            ReadResult result;
            try
            {
                _reading = true;
                result = await Input.ReadAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (IsReadFailure(ex))
            {
                return new LineReadResult(ReadFailed(ex, honourShutdown), default, false);
            }
            finally
            {
                _reading = false;
                _honourShutdown = false;
            }

            if (result.IsCanceled && CancelledRead(honourShutdown) is { } ended)
            {
                Input.AdvanceTo(result.Buffer.Start);
                return new LineReadResult(ended, default, false);
            }

            var buffer = result.Buffer;
            var outcome = _framing.TryTake(buffer, maxLength, Transcript, out var consumed, out var examined);
            if (outcome is null && result.IsCompleted)
            {
                _peerGone = true;
                outcome = new LineReadResult(LineReadStatus.Closed, default, false);
            }

            if (outcome is null && LineTimeout != Timeout.InfiniteTimeSpan && (_framing.Discarding || !buffer.Slice(consumed).IsEmpty))
            {
                // Part of a line is here: the rest must follow within the line time-out.
                lineDeadline ??= Server.TimeProvider.GetUtcNow() + LineTimeout;
            }

            _hasBufferedInput = outcome is { Status: LineReadStatus.Line or LineReadStatus.TooLong } && !buffer.Slice(consumed).IsEmpty;
            Input.AdvanceTo(consumed, examined);
            if (outcome is { } done)
            {
                return done;
            }
        }
    }

    /// <summary>
    /// Reads raw input with the idle time-out and the <see cref="Deadline"/>, for engines that parse their own framing
    /// (DATA, BDAT, literals). The caller must call <see cref="PipeReader.AdvanceTo(SequencePosition, SequencePosition)"/>
    /// on <see cref="Input"/>. A result with <see cref="ReadResult.IsCompleted"/> means the client closed its side.
    /// </summary>
    /// <returns>The read result.</returns>
    /// <exception cref="MailConnectionTimeoutException">The client sent nothing within <see cref="IdleTimeout"/>, or the deadline passed.</exception>
    /// <exception cref="IOException">The connection was closed, reset or aborted (<see cref="IsPeerGone"/> is then true).</exception>
    public async ValueTask<ReadResult> ReadAsync()
    {
        if (_pendingFlush && !await TryFlushAsync().ConfigureAwait(false))
        {
            throw new IOException("The connection was closed.");
        }

        _hasBufferedInput = false;
        _inputBuffers.Bulk = true;
        var (result, failure) = await ReadCoreAsync(honourShutdown: false, lineDeadline: null).ConfigureAwait(false);
        if (failure is null && result.IsCompleted)
        {
            _peerGone = true;
        }

        return failure switch
        {
            null => result,
            LineReadStatus.TimedOut => throw new MailConnectionTimeoutException(),
            _ => throw new IOException("The connection was closed."),
        };
    }

    /// <summary>Queues octets for the client; they are sent at the next flush (or before the next read that would wait).</summary>
    /// <param name="data">The octets.</param>
    public void Write(ReadOnlySpan<byte> data)
    {
        var span = Output.GetSpan(data.Length);
        data.CopyTo(span);
        Output.Advance(data.Length);
        _pendingFlush = true;
        Transcript.Server(data);
    }

    /// <summary>Queues text (UTF-8) for the client.</summary>
    /// <param name="text">The text, with its line ends.</param>
    public void Write(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        _pendingFlush = true;
        if (text.Length > LargeWrite)
        {
            // A large response (a BODYSTRUCTURE of thousands of parts) is encoded into the pipe's ordinary segments:
            // asking for one span of its worst-case size would rent arrays of megabytes that the shared pool keeps.
            if (Transcript.IsEnabled)
            {
                Transcript.Server(Encoding.UTF8.GetBytes(text, 0, LargeWrite));
            }

            Encoding.UTF8.GetBytes(text.AsSpan(), Output);
            return;
        }

        var span = Output.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        var n = Encoding.UTF8.GetBytes(text, span);
        Transcript.Server(span[..n]);
        Output.Advance(n);
    }

    /// <summary>
    /// Sends what is queued once it reaches <see cref="ResponseChunk"/> octets. A command that answers for many messages
    /// (FETCH or STORE over 20,000) calls it between them, so its responses stream out as they are made: the memory
    /// they hold stays bounded whatever the mailbox's size, and the client reads while the server works, as Dovecot's
    /// output buffer does (before, a FETCH 1:* ENVELOPE of 20,000 messages gathered 8 MB and sent it at the end).
    /// </summary>
    /// <returns>A task that completes when the data, if any was sent, is handed to the network.</returns>
    /// <exception cref="IOException">The connection was closed or timed out.</exception>
    public ValueTask FlushWhenFullAsync() => Output.UnflushedBytes >= ResponseChunk ? FlushAsync() : default;

    /// <summary>Sends everything queued, waiting at most <see cref="IdleTimeout"/> for a slow client.</summary>
    /// <returns>A task that completes when the data is handed to the network.</returns>
    /// <exception cref="IOException">The connection was closed or timed out.</exception>
    public async ValueTask FlushAsync()
    {
        if (!await TryFlushAsync().ConfigureAwait(false))
        {
            throw new IOException("The connection was closed while writing.");
        }
    }

    /// <summary>
    /// Writes and sends output from a task other than the session's own flow while a read is pending (IMAP IDLE
    /// pushes mailbox updates while it waits for DONE). The writes and the flush are serialized with every other
    /// flush of this connection, including the one a pending line read makes, so the output never interleaves.
    /// </summary>
    /// <param name="write">Queues the output (with <see cref="Write(string)"/> and its overloads); runs under the output lock, so it must not flush.</param>
    /// <param name="state">What <paramref name="write"/> works on (a static lambda and its state: the waiting caller keeps no closure).</param>
    /// <typeparam name="TState">The type of the state.</typeparam>
    /// <returns>A task that completes when the output is handed to the network.</returns>
    /// <exception cref="IOException">The connection was closed or timed out.</exception>
    public async ValueTask SendAsync<TState>(Func<TState, ValueTask> write, TState state)
    {
        ArgumentNullException.ThrowIfNull(write);
        await _outputLock.WaitAsync().ConfigureAwait(false);
        bool sent;
        try
        {
            await write(state).ConfigureAwait(false);
            sent = await FlushLockedAsync().ConfigureAwait(false);
        }
        finally
        {
            _outputLock.Release();
        }

        if (!sent)
        {
            throw new IOException("The connection was closed while writing.");
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            if (_pendingFlush)
            {
                await TryFlushAsync().ConfigureAwait(false);
            }

            await Input.CompleteAsync().ConfigureAwait(false);
            await Output.CompleteAsync().ConfigureAwait(false);
            await _stream.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or SocketException or InvalidOperationException)
        {
            // The peer is gone; nothing more to tell it.
        }

        if (_reading)
        {
            // A read still waits on the socket (IDLE's read of DONE when a push failed): .NET closes a socket with a
            // pending operation abortively (RST) unless it was shut down first. Otherwise close alone ends the
            // connection as gracefully (FIN after what is queued), one system call less per connection.
            try
            {
                _socket.Shutdown(SocketShutdown.Both);
            }
            catch (SocketException)
            {
            }
            catch (ObjectDisposedException)
            {
            }
        }

        _socket.Dispose();
        _readTimer?.Dispose();
        _outputLock.Dispose();
    }

    /// <summary>Ends a pending read and closes the socket at once (the server calls it at the shutdown deadline, after cancelling <see cref="Aborted"/>).</summary>
    internal void Abort()
    {
        CancelRead();
        try
        {
            _socket.Close(0);
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private async ValueTask<(ReadResult Result, LineReadStatus? Failure)> ReadCoreAsync(bool honourShutdown, DateTimeOffset? lineDeadline)
    {
        if (BeginRead(honourShutdown, lineDeadline) is { } refused)
        {
            return (default, refused);
        }

        try
        {
            _reading = true;
            while (true)
            {
                var result = await Input.ReadAsync().ConfigureAwait(false);
                if (!result.IsCanceled)
                {
                    return (result, null);
                }

                if (CancelledRead(honourShutdown) is { } ended)
                {
                    Input.AdvanceTo(result.Buffer.Start);
                    return (default, ended);
                }

                if (!result.Buffer.IsEmpty || result.IsCompleted)
                {
                    return (new ReadResult(result.Buffer, isCanceled: false, result.IsCompleted), null);
                }

                Input.AdvanceTo(result.Buffer.Start);
            }
        }
        catch (Exception ex) when (IsReadFailure(ex))
        {
            return (default, ReadFailed(ex, honourShutdown));
        }
        finally
        {
            _reading = false;
            _honourShutdown = false;
        }
    }

    /// <summary>
    /// Starts a read: refuses it when the server is shutting down (between commands) or aborting, else arms the read
    /// timer. The caller clears <see cref="_honourShutdown"/> when the read ends.
    /// </summary>
    private LineReadStatus? BeginRead(bool honourShutdown, DateTimeOffset? lineDeadline)
    {
        if (honourShutdown && _shutdown.IsCancellationRequested)
        {
            return LineReadStatus.ShuttingDown;
        }

        if (_abort.IsCancellationRequested)
        {
            return LineReadStatus.Closed;
        }

        ArmReadTimer(ReadTimeout(lineDeadline));
        _honourShutdown = honourShutdown;

        // A shutdown that came while the timer was armed found _honourShutdown still false: look again.
        if (honourShutdown && _shutdown.IsCancellationRequested)
        {
            _honourShutdown = false;
            return LineReadStatus.ShuttingDown;
        }

        return null;
    }

    private static bool IsReadFailure(Exception ex) =>
        ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException or InvalidOperationException;

    /// <summary>What a failed read means: the server's abort or a gone peer closes, a cancelled timer times out.</summary>
    private LineReadStatus ReadFailed(Exception ex, bool honourShutdown)
    {
        if (ex is not OperationCanceledException)
        {
            _peerGone = true;
            return LineReadStatus.Closed;
        }

        if (_abort.IsCancellationRequested)
        {
            return LineReadStatus.Closed;
        }

        return honourShutdown && _shutdown.IsCancellationRequested ? LineReadStatus.ShuttingDown : LineReadStatus.TimedOut;
    }

    /// <summary>
    /// Sends everything queued like <see cref="FlushAsync"/>, but reports a connection that went away (or a client
    /// too slow for <see cref="IdleTimeout"/>) as <see langword="false"/> instead of throwing: for a last reply
    /// before closing, where there is nothing more to do about a peer that is gone.
    /// </summary>
    /// <returns>Whether the data was handed to the network.</returns>
    public async ValueTask<bool> TryFlushAsync()
    {
        await _outputLock.WaitAsync().ConfigureAwait(false);
        try
        {
            return await FlushLockedAsync().ConfigureAwait(false);
        }
        finally
        {
            _outputLock.Release();
        }
    }

    private async ValueTask<bool> FlushLockedAsync()
    {
        _pendingFlush = false;
        try
        {
            // Most flushes complete at once (the socket takes the data); only one that waits for a slow client gets a
            // timer, so a connection holds no flush timer between flushes (10,000 IDLE connections hold none).
            var flush = Output.FlushAsync();
            var result = flush.IsCompleted ? flush.Result : await WaitForSlowFlushAsync(flush).ConfigureAwait(false);
            if (result.IsCanceled || result.IsCompleted)
            {
                _peerGone = true;
                return false;
            }

            return true;
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
            _peerGone = true;
            return false;
        }
    }

}
