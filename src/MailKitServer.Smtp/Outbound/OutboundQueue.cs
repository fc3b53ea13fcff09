using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using MailKitServer.Addresses;
using MailKitServer.Delivery;
using MailKitServer.Smtp.Outbound.MtaSts;
using MailKitServer.Smtp.Outbound.Queue;
using MailKitServer.Smtp.Outbound.TlsRpt;
using MailKitServer.Runtime;
using MailKitServer.Storage;
using MailKitServer.Users;
using Microsoft.Extensions.Logging;

namespace MailKitServer.Smtp.Outbound;

/// <summary>
/// The outbound queue: takes mail for remote recipients durably, delivers it by SMTP to the recipients' mail hosts
/// (or a smart host), retries temporary failures on a schedule run by the server's <see cref="TimeProvider"/>, and
/// tells the sender what happened with delivery status notifications (RFC 3464) from the null sender. Entries can
/// be listed, retried now and deleted.
/// </summary>
/// <remarks>
/// This class is the queue's API and its scheduler (which entry is due, claims on a shared store, retry times);
/// the SMTP conversations are the internal <c>DeliveryAgent</c>'s and the notices the internal <c>Bouncer</c>'s.
/// </remarks>
public sealed class OutboundQueue : IOutboundQueue, IMailServerComponent, IAsyncDisposable, IBlockingHint
{
    private readonly MailServerContext _context;
    private readonly OutboundOptions _options;
    private readonly IQueueStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, QueuedMessage> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _inFlight = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _concurrency;
    private readonly SemaphoreSlim _wake = new(0);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<Task, byte> _running = new();
    private TaskCompletionSource _emptied = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private DeliveryAgent? _agent;
    private Bouncer? _bouncer;
    private MtaStsPolicySource? _mtaSts;
    private TlsReportCollector? _tlsReports;
    private Task? _loop;
    private Task? _reportLoop;
    private Task? _refreshLoop;

    /// <summary>Queueing a message waits on I/O when the queue's store does (a file per message on disk, a database).</summary>
    bool IBlockingHint.MayBlock => IBlockingHint.Of(_store);

    /// <summary>Creates the queue for a server (the builder's <c>AddOutboundDelivery</c> does this).</summary>
    /// <param name="context">The server's services: DNS, directory, store, clock, logging, metrics.</param>
    /// <param name="options">Routing, retry and reporting options.</param>
    /// <param name="store">Where entries are kept.</param>
    internal OutboundQueue(MailServerContext context, OutboundOptions options, IQueueStore store)
    {
        _context = context ?? throw new ArgumentNullException(nameof(context));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _store = store ?? throw new ArgumentNullException(nameof(store));
        var problems = options.Validate().ToList();
        if (problems.Count > 0)
        {
            throw new MailServerOptionsException(problems);
        }

        _time = context.TimeProvider;
        _logger = context.LoggerFactory.CreateLogger("MailKitServer.Outbound");
        _concurrency = new SemaphoreSlim(options.MaxConcurrentDeliveries);
        context.Metrics.ObserveQueueDepth(() => _entries.Count);
    }

    /// <summary>How many messages are queued.</summary>
    public int Count => _entries.Count;

    /// <summary>
    /// Raised after a message was queued ("queued"), tried and kept for a later attempt ("deferred"), or left the queue
    /// ("delivered", "failed", "deleted"), with its queue id; for the web API's event stream. Handlers must not block.
    /// </summary>
    internal event Action<string, string>? Changed;

    private string ReportingMta => _options.HeloName ?? _context.Options.ServerName;

    /// <inheritdoc />
    public async ValueTask<string> EnqueueAsync(OutboundEnvelope envelope, Stream content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        ArgumentNullException.ThrowIfNull(content);
        var now = _time.GetUtcNow();
        var id = now.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + Convert.ToHexString(RandomNumberGenerator.GetBytes(6));
        var message = new QueuedMessage
        {
            Id = id,
            ReversePath = envelope.ReversePath,
            Recipients = envelope.Recipients.Select(r => new QueuedRecipient { Address = r.Address, Notify = r.Notify, OriginalRecipient = r.OriginalRecipient }).ToList(),
            Body = envelope.Body,
            SmtpUtf8 = envelope.SmtpUtf8,
            RequireTls = envelope.RequireTls,
            Return = envelope.Return,
            EnvelopeId = envelope.EnvelopeId,
            ArrivedAt = now,
            NextAttemptAt = now,
        };

        // The store learns the size while writing the content and saves the entry with it: durable on return.
        var size = await _store.AddAsync(message, content, cancellationToken).ConfigureAwait(false);
        OutboundLog.Queued(_logger, id, envelope.ReversePath, envelope.Recipients.Count, size);

        // "queued" before the scheduler can see the entry: a quick delivery must not report "delivered" first.
        Changed?.Invoke(id, "queued");
        _entries[id] = message;
        _wake.Release();
        return id;
    }

    /// <summary>The queued messages and their recipients' states.</summary>
    /// <returns>A snapshot.</returns>
    public IReadOnlyList<QueueEntryInfo> List() =>
        _entries.Values.OrderBy(m => m.ArrivedAt).Select(m => new QueueEntryInfo(m.Id, m.ReversePath, m.Size, m.ArrivedAt, m.Attempts, m.NextAttemptAt,
            m.Recipients.Select(r => (r.Address, r.State, r.Status, r.Diagnostic)).ToList())).ToList();

    /// <summary>Makes a message (or, without an id, every message) due now.</summary>
    /// <param name="id">The queue id, or null for all.</param>
    /// <returns>Whether anything was found.</returns>
    public bool RetryNow(string? id = null)
    {
        var found = false;
        foreach (var m in _entries.Values.Where(m => id is null || m.Id == id))
        {
            m.NextAttemptAt = _time.GetUtcNow();
            found = true;
        }

        _wake.Release();
        return found;
    }

    /// <summary>Deletes a message from the queue without notifying anyone.</summary>
    /// <param name="id">The queue id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>Whether it was there.</returns>
    public async ValueTask<bool> DeleteAsync(string id, CancellationToken cancellationToken = default)
    {
        if (!Remove(id))
        {
            return false;
        }

        await _store.RemoveAsync(id, cancellationToken).ConfigureAwait(false);
        OutboundLog.Removed(_logger, id, "deleted by request");
        Changed?.Invoke(id, "deleted");
        return true;
    }

    /// <summary>Waits until the queue is empty (every message delivered or bounced), for tests and for draining.</summary>
    /// <param name="timeout">How long to wait.</param>
    /// <returns>Whether it emptied in time.</returns>
    public async Task<bool> WaitUntilEmptyAsync(TimeSpan timeout)
    {
        // Awaits the removal that empties the queue (no polling); a removal racing the check re-checks.
        using var expired = new CancellationTokenSource(timeout);
        while (!_entries.IsEmpty)
        {
            var emptied = Volatile.Read(ref _emptied).Task;
            if (_entries.IsEmpty)
            {
                break;
            }

            try
            {
                await emptied.WaitAsync(expired.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return _entries.IsEmpty;
            }
        }

        return true;
    }

    /// <inheritdoc />
    public async Task StartAsync(MailServer server, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(server);
        var own = server.Endpoints.Select(e => e.EndPoint).ToList();
        _mtaSts = _options.UseMtaSts ? new MtaStsPolicySource(_context.Dns, _options, _time, _logger) : null;
        var router = new MxRouter(_context.Dns, _options, _context.Options.ServerName, endPoint => own.Exists(o => o.Port == endPoint.Port && (o.Address.Equals(endPoint.Address) || o.Address.Equals(IPAddress.Any) || o.Address.Equals(IPAddress.IPv6Any))), _mtaSts, _logger);
        _tlsReports = _options.TlsReports is not null ? new TlsReportCollector(_time) : null;
        _agent = new DeliveryAgent(_context, _options, _store, router, ReportingMta, _logger, _tlsReports);
        _bouncer = new Bouncer(_context, _options, _store, this, ReportingMta, _logger);
        foreach (var message in await _store.LoadAsync(cancellationToken).ConfigureAwait(false))
        {
            _entries[message.Id] = message;
        }

        OutboundLog.Started(_logger, _entries.Count);
        _loop = Task.Run(RunAsync, CancellationToken.None);
        if (_mtaSts is { } sts)
        {
            _refreshLoop = Task.Run(() => sts.RunRefreshAsync(_options.MtaStsRefreshInterval, _stop.Token), CancellationToken.None);
        }

        if (_options.TlsReports is { } reports && _tlsReports is not null)
        {
            var reporter = new TlsReporter(_tlsReports, reports, _context.Dns, _time, this, _logger);
            _reportLoop = Task.Run(() => reporter.RunAsync(_stop.Token), CancellationToken.None);
        }
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _wake.Release();
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }

        if (_reportLoop is not null)
        {
            await _reportLoop.ConfigureAwait(false);
        }

        if (_refreshLoop is not null)
        {
            await _refreshLoop.ConfigureAwait(false);
        }

        await Task.WhenAll(_running.Keys).ConfigureAwait(false);
        if (_agent is not null)
        {
            await _agent.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await StopAsync(CancellationToken.None).ConfigureAwait(false);
        }

        _stop.Dispose();
        _wake.Dispose();
        _concurrency.Dispose();
        _mtaSts?.Dispose();
    }

    /// <summary>The scheduler: starts every due message, then sleeps until the next is due or something wakes it.</summary>
    private async Task RunAsync()
    {
        var token = _stop.Token;
        var shared = _store as ISharedQueueStore;
        var nextPoll = DateTimeOffset.MinValue;
        while (!token.IsCancellationRequested)
        {
            var now = _time.GetUtcNow();
            var next = DateTimeOffset.MaxValue;
            if (shared is not null)
            {
                if (now >= nextPoll)
                {
                    await PollSharedAsync(shared, token).ConfigureAwait(false);
                    nextPoll = now + shared.PollInterval;
                }

                next = nextPoll;
            }

            foreach (var message in _entries.Values)
            {
                if (_inFlight.ContainsKey(message.Id))
                {
                    continue;
                }

                if (message.NextAttemptAt <= now)
                {
                    _inFlight[message.Id] = 0;
                    var task = AttemptAsync(message, token);
                    _running[task] = 0;
                    _ = task.ContinueWith(t => _running.TryRemove(t, out _), TaskScheduler.Default);
                }
                else if (message.NextAttemptAt < next)
                {
                    next = message.NextAttemptAt;
                }
            }

            await _agent!.SweepAsync().ConfigureAwait(false);
            // Sleep until the next entry is due (at most a day at a time: timers have an upper bound) or a wake-up.
            var delay = next == DateTimeOffset.MaxValue ? Timeout.InfiniteTimeSpan : TimeSpan.FromTicks(Math.Min((next - now).Ticks, TimeSpan.TicksPerDay));
            if (_agent.HasIdleConnections && (delay == Timeout.InfiniteTimeSpan || delay > _options.ConnectionReuseTime))
            {
                delay = _options.ConnectionReuseTime; // wake to QUIT idle connections once they are too old to reuse
            }

            using var sleep = CancellationTokenSource.CreateLinkedTokenSource(token);
            try
            {
                var wake = _wake.WaitAsync(sleep.Token);
                var timer = delay == Timeout.InfiniteTimeSpan ? Task.Delay(Timeout.InfiniteTimeSpan, sleep.Token) : Task.Delay(delay < TimeSpan.Zero ? TimeSpan.Zero : delay, _time, sleep.Token);
                await Task.WhenAny(wake, timer).ConfigureAwait(false);
                await sleep.CancelAsync().ConfigureAwait(false);
                await Task.WhenAll(wake, timer).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    private async Task AttemptAsync(QueuedMessage message, CancellationToken token)
    {
        var entered = false;
        using var renewal = CancellationTokenSource.CreateLinkedTokenSource(token);
        try
        {
            await _concurrency.WaitAsync(token).ConfigureAwait(false);
            entered = true;
            if (_store is ISharedQueueStore shared)
            {
                // Another node may hold the entry, or have finished it: only a claim lets this node try.
                if (await shared.TryClaimAsync(message.Id, token).ConfigureAwait(false) is not { } claimed)
                {
                    Remove(message.Id);
                    return;
                }

                _entries[message.Id] = message = claimed;
                _ = RenewClaimAsync(shared, message.Id, renewal.Token);
            }

            var now = _time.GetUtcNow();
            message.Attempts++;
            _context.Metrics.DeliveryAttempts.Add(1);
            await _agent!.AttemptAsync(message, now, token).ConfigureAwait(false);

            // Recording the outcome writes the queue (fsync on Maildir): not on a socket engine's thread.
            await ThreadPoolHop.LeaveSocketThreadAsync().ConfigureAwait(false);
            await FinishAttemptAsync(message, token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Stopping: the entry stays queued as it was stored and is tried again after the restart.
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            OutboundLog.AttemptCrashed(_logger, message.Id, ex);
            message.NextAttemptAt = _time.GetUtcNow() + NextDelay(message);
        }
        finally
        {
            await renewal.CancelAsync().ConfigureAwait(false);
            if (entered)
            {
                _concurrency.Release();
            }

            _inFlight.TryRemove(message.Id, out _);
            _wake.Release();
        }
    }

    /// <summary>Keeps a shared store's claim on an entry alive while this node's attempt runs (every third of the lease).</summary>
    private async Task RenewClaimAsync(ISharedQueueStore shared, string id, CancellationToken token)
    {
        try
        {
            while (true)
            {
                await Task.Delay(shared.Lease / 3, _time, token).ConfigureAwait(false);
                if (!await shared.RenewAsync(id, token).ConfigureAwait(false))
                {
                    OutboundLog.AttemptCrashed(_logger, id, new InvalidOperationException("The claim on the queue entry was lost to another node."));
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The database is away: the claim runs out and the entry is retried, by this node or another.
            OutboundLog.AttemptCrashed(_logger, id, ex);
        }
    }

    /// <summary>Takes in due entries that other nodes enqueued or left behind (a shared store only).</summary>
    private async Task PollSharedAsync(ISharedQueueStore shared, CancellationToken token)
    {
        try
        {
            foreach (var entry in await shared.LoadDueAsync(_time.GetUtcNow(), token).ConfigureAwait(false))
            {
                _entries.TryAdd(entry.Id, entry);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Stopping while a poll waits for the database: the scheduler loop ends next.
        }
        catch (Exception ex) when (ex is not (OutOfMemoryException or OperationCanceledException))
        {
            OutboundLog.AttemptCrashed(_logger, "(poll)", ex);
        }
    }

    private TimeSpan NextDelay(QueuedMessage message) => _options.RetrySchedule[Math.Clamp(message.Attempts - 1, 0, _options.RetrySchedule.Count - 1)];

    /// <summary>After an attempt: reports what became final, then removes a finished entry or stores when it is tried next.</summary>
    private async Task FinishAttemptAsync(QueuedMessage message, CancellationToken token)
    {
        var now = _time.GetUtcNow();
        _bouncer!.ExpireIfTooOld(message, now);
        // Failures are reported as they become final; successes when NOTIFY asks and the next hop cannot report them.
        var failed = await _bouncer.ReportFinalAsync(message, token).ConfigureAwait(false);
        if (!message.Recipients.Any(r => r.State == RecipientState.Pending))
        {
            await _store.RemoveAsync(message.Id, token).ConfigureAwait(false);
            Remove(message.Id);
            OutboundLog.Removed(_logger, message.Id, failed > 0 ? "done, with failures" : "delivered");
            Changed?.Invoke(message.Id, failed > 0 ? "failed" : "delivered");
            return;
        }

        message.NextAttemptAt = now + NextDelay(message);
        await _bouncer.ReportDelayAsync(message, now, token).ConfigureAwait(false);
        await _store.UpdateAsync(message, token).ConfigureAwait(false);
        Changed?.Invoke(message.Id, "deferred");
    }

    /// <summary>Drops an entry from memory and wakes whoever waits for the queue to empty.</summary>
    private bool Remove(string id)
    {
        if (!_entries.TryRemove(id, out _))
        {
            return false;
        }

        if (_entries.IsEmpty)
        {
            Interlocked.Exchange(ref _emptied, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        }

        return true;
    }
}
