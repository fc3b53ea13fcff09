using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using MailKitServer.Diagnostics;
using Microsoft.Extensions.Logging;

namespace MailKitServer.Runtime;

/// <summary>
/// A running mail server: its listeners, their bound endpoints, and its sessions. Stop it with
/// <see cref="StopAsync"/> or <c>await using</c>: it stops accepting, asks idle sessions to say goodbye, lets sessions
/// in a transaction finish until <see cref="MailServerOptions.ShutdownTimeout"/>, then aborts what is left.
/// </summary>
public sealed class MailServer : IAsyncDisposable
{
    /// <summary>
    /// How long a stop waits, after it aborted the connections left at the end of the shutdown timeout, for their
    /// handlers to return. Real time on purpose: a test's manual clock must not be able to hang a stop.
    /// </summary>
    private static readonly TimeSpan AbortedDrainLimit = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The pause after a failed accept (out of descriptors, out of memory for the socket) before the next, so a
    /// listener that cannot accept does not spin. Real time: it is a breath for the kernel, not a protocol timer.
    /// </summary>
    private static readonly TimeSpan AcceptRetryDelay = TimeSpan.FromMilliseconds(50);

    private readonly IReadOnlyList<ListenerDefinition> _definitions;
    private readonly List<(Socket Socket, BoundEndpoint Endpoint, IConnectionHandler Handler)> _listeners = [];
    private readonly List<Task> _acceptLoops = [];
    private readonly ConcurrentDictionary<long, MailConnection> _connections = new();
    private readonly CancellationTokenSource _shutdown = new();
    private readonly CancellationTokenSource _abort = new();
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConnectionLimiter _limiter;
    private readonly ILogger _logger;
    private long _nextConnectionId;
    private int _running;
    private int _state;

    internal MailServer(MailServerContext context, IReadOnlyList<ListenerDefinition> definitions)
    {
        Context = context;
        _definitions = definitions;
        _limiter = new ConnectionLimiter(context.Options.MaxConnections, context.Options.MaxConnectionsPerAddress);
        _logger = context.LoggerFactory.CreateLogger("MailKitServer.Server");
    }

    /// <summary>The server's services (store, directory, policy, options).</summary>
    internal MailServerContext Context { get; }

    /// <summary>The listeners as bound, in the order they were added; empty until started.</summary>
    public IReadOnlyList<BoundEndpoint> Endpoints => _listeners.Select(l => l.Endpoint).ToArray();

    /// <summary>Whether the server is started and not stopping: its listeners accept connections (readiness probes).</summary>
    internal bool IsAccepting => Volatile.Read(ref _state) == 1 && _listeners.Count > 0;

    /// <summary>How many connections are open now.</summary>
    public int ActiveConnections => _connections.Count;

    /// <summary>Raised after a connection has ended and left <see cref="ActiveConnections"/> (tests await it instead of sleeping).</summary>
    internal event Action? ConnectionClosed;

    /// <summary>Creates a builder for a server without dependency injection.</summary>
    /// <returns>The builder.</returns>
    public static MailServerBuilder CreateBuilder() => new();

    /// <summary>Finds a bound listener by name (smtp, submission, smtps, pop3, pop3s, imap, imaps).</summary>
    /// <param name="name">The listener name.</param>
    /// <returns>The endpoint.</returns>
    public BoundEndpoint GetEndpoint(string name) =>
        _listeners.Select(l => l.Endpoint).FirstOrDefault(e => string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new KeyNotFoundException($"No listener named '{name}'. Listeners: {string.Join(", ", _listeners.Select(l => l.Endpoint.Name))}.");

    /// <summary>Binds every listener and starts accepting.</summary>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>A task that completes once every listener accepts connections.</returns>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            throw new InvalidOperationException("The server was already started.");
        }

        try
        {
            foreach (var definition in _definitions)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var socket = new Socket(definition.EndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    if (definition.EndPoint.AddressFamily == AddressFamily.InterNetworkV6 && definition.EndPoint.Address.Equals(IPAddress.IPv6Any))
                    {
                        socket.DualMode = true;
                    }

                    // Replies go out at once (TCP_NODELAY). On Linux accepted sockets inherit it from the listener: a
                    // setsockopt per connection less (RunConnectionAsync sets it per connection elsewhere).
                    socket.NoDelay = true;
                    socket.Bind(definition.EndPoint);
                    socket.Listen(1024);
                }
                catch (SocketException ex)
                {
                    socket.Dispose();
                    throw new IOException($"Cannot listen for {definition.Name} on {definition.EndPoint}: {ex.Message}", ex);
                }

                var bound = new BoundEndpoint(definition.Name, (IPEndPoint)socket.LocalEndPoint!, definition.Tls);
                _listeners.Add((socket, bound, definition.CreateHandler(Context)));
                RuntimeLog.Listening(_logger, bound.Name, bound.EndPoint, bound.Tls);
            }
        }
        catch
        {
            foreach (var l in _listeners)
            {
                l.Socket.Dispose();
            }

            _listeners.Clear();
            throw;
        }

        foreach (var listener in _listeners)
        {
            _acceptLoops.Add(AcceptLoopAsync(listener.Socket, listener.Endpoint, listener.Handler));
        }

        return Context.OutboundQueue is IMailServerComponent component ? component.StartAsync(this, cancellationToken) : Task.CompletedTask;
    }

    /// <summary>Stops gracefully, aborting sessions still open at the deadline.</summary>
    /// <param name="cancellationToken">Cancelling skips the rest of the graceful wait and aborts at once.</param>
    /// <returns>A task that completes when every session has ended.</returns>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _state, 2) == 2)
        {
            await _stopped.Task.ConfigureAwait(false);
            return;
        }

        foreach (var l in _listeners)
        {
            l.Socket.Dispose();
        }

        await Task.WhenAll(_acceptLoops).ConfigureAwait(false);
        RuntimeLog.ShuttingDown(_logger, _connections.Count, Context.Options.ShutdownTimeout);
        await _shutdown.CancelAsync().ConfigureAwait(false);
        foreach (var c in _connections.Values)
        {
            c.OnShutdownRequested();
        }

        if (Volatile.Read(ref _running) == 0)
        {
            _drained.TrySetResult();
        }

        try
        {
            await _drained.Task.WaitAsync(Context.Options.ShutdownTimeout, Context.TimeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            RuntimeLog.AbortingConnections(_logger, _connections.Count);
            await _abort.CancelAsync().ConfigureAwait(false);
            foreach (var c in _connections.Values)
            {
                c.Abort();
            }

            await _drained.Task.WaitAsync(AbortedDrainLimit, CancellationToken.None).ConfigureAwait(false);
        }

        if (Context.OutboundQueue is IMailServerComponent component)
        {
            await component.StopAsync(cancellationToken).ConfigureAwait(false);
        }

        Context.Metrics.Dispose();
        _stopped.TrySetResult();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Volatile.Read(ref _state) != 0)
        {
            await StopAsync().ConfigureAwait(false);
        }

        _shutdown.Dispose();
        _abort.Dispose();
    }

    private async Task AcceptLoopAsync(Socket listener, BoundEndpoint endpoint, IConnectionHandler handler)
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync().ConfigureAwait(false);
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.OperationAborted or SocketError.Interrupted or SocketError.Shutdown || Volatile.Read(ref _state) == 2)
            {
                return;
            }
            catch (SocketException ex)
            {
                // Out of descriptors and the like: keep serving the others after a breath.
                RuntimeLog.AcceptFailed(_logger, ex, endpoint.Name);
                await Task.Delay(AcceptRetryDelay).ConfigureAwait(false);
                continue;
            }

            Interlocked.Increment(ref _running);
            _ = RunConnectionAsync(socket, endpoint, handler);
        }
    }

    /// <summary>
    /// Runs one connection. It starts on the accepting thread and runs until its first wait, which comes at once: the
    /// greeting is a send the socket takes, then the first read waits (an implicit-TLS handshake and every engine's
    /// long work move to the thread pool themselves). A hop to the thread pool here cost every new connection two
    /// context switches: about 15% of SMTP intake with a new connection per message (issue 24, BENCHMARKS.md).
    /// </summary>
    private async Task RunConnectionAsync(Socket socket, BoundEndpoint endpoint, IConnectionHandler handler)
    {
        var id = Interlocked.Increment(ref _nextConnectionId);
        IPAddress? acquired = null;
        MailConnection? connection = null;
        try
        {
            if (!OperatingSystem.IsLinux())
            {
                // Inherited from the listener on Linux (MailServerTests checks it); asked for again elsewhere.
                socket.NoDelay = true;
            }

            var remote = (IPEndPoint)socket.RemoteEndPoint!;
            var rejection = _shutdown.IsCancellationRequested ? ConnectionRejection.ShuttingDown : _limiter.TryAcquire(remote.Address);
            if (rejection is null)
            {
                acquired = remote.Address;
            }

            connection = new MailConnection(id, socket, endpoint, Context, _shutdown.Token, _abort.Token);
            _connections[id] = connection;
            RuntimeLog.Accepted(_logger, id, remote, endpoint.Name);
            Context.Metrics.Connections.Add(1, new KeyValuePair<string, object?>("listener", endpoint.Name));
            Context.Metrics.ActiveConnections.Add(1);
            if (endpoint.Tls == TlsMode.Implicit && !await connection.AuthenticateTlsAsync().ConfigureAwait(false))
            {
                return;
            }

            if (rejection is { } reason)
            {
                RuntimeLog.Rejected(_logger, id, remote, reason);
                Context.Metrics.RejectedConnections.Add(1);
                await handler.RejectAsync(connection, reason).ConfigureAwait(false);
                return;
            }

            await handler.HandleAsync(connection).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException || (ex is IOException && connection?.IsPeerGone != false) || _abort.IsCancellationRequested)
        {
            // The peer went away or the server aborted it. Any other IOException (a store on disk) is a fault: logged.
        }
        catch (Exception ex)
        {
            RuntimeLog.ConnectionFailed(_logger, ex, id);
        }
        finally
        {
            if (connection is not null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
                Context.Metrics.ActiveConnections.Add(-1);
            }
            else
            {
                socket.Dispose();
            }

            _connections.TryRemove(id, out _);
            ConnectionClosed?.Invoke();
            if (acquired is not null)
            {
                _limiter.Release(acquired);
            }

            RuntimeLog.Closed(_logger, id);
            if (Interlocked.Decrement(ref _running) == 0 && _shutdown.IsCancellationRequested)
            {
                _drained.TrySetResult();
            }
        }
    }
}
