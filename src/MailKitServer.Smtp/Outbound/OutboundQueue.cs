using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using MailKitServer.Addresses;
using MailKitServer.Delivery;
using MailKitServer.Smtp.Outbound.MtaSts;
using MailKitServer.Smtp.Outbound.Queue;
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
public sealed class OutboundQueue : IOutboundQueue, IMailServerComponent, IAsyncDisposable
{
    private readonly MailServerContext _context;
    private readonly OutboundOptions _options;
    private readonly IQueueStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, QueuedMessage> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _inFlight = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _perDomain = new(StringComparer.OrdinalIgnoreCase);
    private readonly SemaphoreSlim _concurrency;
    private readonly SemaphoreSlim _wake = new(0);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<Task, byte> _running = new();
    private readonly SmtpConnectionPool _pool;
    private MxRouter? _router;
    private MtaStsPolicySource? _mtaSts;
    private Task? _loop;

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
        _pool = new SmtpConnectionPool(_time, options.ConnectionReuseTime);
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
        _entries[id] = message;
        OutboundLog.Queued(_logger, id, envelope.ReversePath, envelope.Recipients.Count, size);
        _wake.Release();
        Changed?.Invoke(id, "queued");
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
        if (!_entries.TryRemove(id, out _))
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
        var deadline = DateTime.UtcNow + timeout;
        while (!_entries.IsEmpty)
        {
            if (DateTime.UtcNow >= deadline)
            {
                return false;
            }

            await Task.Delay(10).ConfigureAwait(false);
        }

        return true;
    }

    /// <inheritdoc />
    public async Task StartAsync(MailServer server, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(server);
        var own = server.Endpoints.Select(e => e.EndPoint).ToList();
        _mtaSts = _options.UseMtaSts ? new MtaStsPolicySource(_context.Dns, _options, _time, _logger) : null;
        _router = new MxRouter(_context.Dns, _options, _context.Options.ServerName, endPoint => own.Exists(o => o.Port == endPoint.Port && (o.Address.Equals(endPoint.Address) || o.Address.Equals(IPAddress.Any) || o.Address.Equals(IPAddress.IPv6Any))), _mtaSts, _logger);
        foreach (var message in await _store.LoadAsync(cancellationToken).ConfigureAwait(false))
        {
            _entries[message.Id] = message;
        }

        OutboundLog.Started(_logger, _entries.Count);
        _loop = Task.Run(RunAsync, CancellationToken.None);
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

        await Task.WhenAll(_running.Keys).ConfigureAwait(false);
        await _pool.DisposeAsync().ConfigureAwait(false);
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

            await _pool.SweepAsync().ConfigureAwait(false);
            // Sleep until the next entry is due (at most a day at a time: timers have an upper bound) or a wake-up.
            var delay = next == DateTimeOffset.MaxValue ? Timeout.InfiniteTimeSpan : TimeSpan.FromTicks(Math.Min((next - now).Ticks, TimeSpan.TicksPerDay));
            if (_pool.HasIdle && (delay == Timeout.InfiniteTimeSpan || delay > _options.ConnectionReuseTime))
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
                    _entries.TryRemove(message.Id, out _);
                    return;
                }

                _entries[message.Id] = message = claimed;
                _ = RenewClaimAsync(shared, message.Id, renewal.Token);
            }

            var now = _time.GetUtcNow();
            message.Attempts++;
            _context.Metrics.DeliveryAttempts.Add(1);
            var groups = message.Recipients.Where(r => r.State == RecipientState.Pending).GroupBy(r => Domain(r.Address), StringComparer.OrdinalIgnoreCase).ToList();
            await Task.WhenAll(groups.Select(g => DeliverToDomainAsync(message, g.Key, g.ToList(), now, token))).ConfigureAwait(false);
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

    private static string Domain(string address)
    {
        var at = address.LastIndexOf('@');
        return at < 0 ? string.Empty : address[(at + 1)..].ToLowerInvariant();
    }

    private async Task DeliverToDomainAsync(QueuedMessage message, string domain, List<QueuedRecipient> recipients, DateTimeOffset now, CancellationToken token)
    {
        var gate = _perDomain.GetOrAdd(domain, _ => new SemaphoreSlim(_options.MaxConcurrentPerDomain));
        await gate.WaitAsync(token).ConfigureAwait(false);
        try
        {
            var route = await _router!.RouteAsync(domain, token).ConfigureAwait(false);
            if (route.Failure is { } failure)
            {
                Apply(message, recipients, failure, null, now, dsnPassed: false);
                return;
            }

            string? lastError = null;
            foreach (var target in route.Targets)
            {
                foreach (var endPoint in target.EndPoints)
                {
                    if (await TryHostAsync(message, recipients, target, endPoint, now, token).ConfigureAwait(false) is not { } error)
                    {
                        return;
                    }

                    lastError = error;
                }
            }

            // RFC 5321 §4.5.4.1: no host could be reached; try again later.
            Apply(message, recipients, new SmtpClientReply(451, ["4.4.1 " + (lastError ?? "no host answered")]), null, now, dsnPassed: false);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Delivers through one address; returns null when the host gave an answer for the recipients, else why it could not be used.</summary>
    private async Task<string?> TryHostAsync(QueuedMessage message, List<QueuedRecipient> recipients, RouteTarget target, IPEndPoint endPoint, DateTimeOffset now, CancellationToken token, bool reuse = true)
    {
        var connection = reuse ? _pool.Take(endPoint, target.Host, target.Tls) : null;
        var pooled = connection is not null;
        try
        {
            if (connection is null)
            {
                var credentials = target.Authenticate && _options.SmartHostUserName is { } user ? (user, _options.SmartHostPassword ?? string.Empty) : ((string, string)?)null;
                SmtpClientReply? refusal;
                try
                {
                    (connection, refusal) = await SmtpClientConnection.OpenAsync(endPoint, target.Host, ReportingMta, _options, _time, target.Tls, credentials, token, target.Tlsa).ConfigureAwait(false);
                }
                catch (SmtpProtocolException) when (target.Tls == TlsPolicy.Opportunistic)
                {
                    // A failed TLS handshake with an MX: RFC 7435 prefers plain text to no delivery.
                    (connection, refusal) = await SmtpClientConnection.OpenAsync(endPoint, target.Host, ReportingMta, _options, _time, TlsPolicy.None, credentials, token).ConfigureAwait(false);
                }

                if (connection is null)
                {
                    // A refusing greeting (or EHLO): try the next host (RFC 5321 §3.1 for 554 greetings).
                    return $"{target.Host}[{endPoint}] refused: {refusal}";
                }
            }

            await using var content = await _store.OpenContentAsync(message.Id, token).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"The content of queue entry {message.Id} is missing.");
            var result = await connection.SendAsync(message, recipients, content, token).ConfigureAwait(false);
            for (var i = 0; i < recipients.Count; i++)
            {
                var reply = result.RecipientReplies[i];
                Apply(message, [recipients[i]], reply.IsPositive && result.DataReply is { } data ? data : reply, $"{target.Host} ({endPoint})", now, result.DsnPassed);
            }

            _pool.Return(connection, target.Tls);
            connection = null;
            return null;
        }
        catch (SmtpProtocolException) when (pooled)
        {
            // The host closed the idle connection meanwhile: one more try on a fresh one.
            await connection!.DisposeAsync().ConfigureAwait(false);
            connection = null;
            return await TryHostAsync(message, recipients, target, endPoint, now, token, reuse: false).ConfigureAwait(false);
        }
        catch (SmtpProtocolException ex)
        {
            return ex.Message;
        }
        finally
        {
            if (connection is not null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private void Apply(QueuedMessage message, IEnumerable<QueuedRecipient> recipients, SmtpClientReply reply, string? remote, DateTimeOffset now, bool dsnPassed)
    {
        foreach (var r in recipients)
        {
            r.LastAttempt = now;
            r.Status = reply.Status;
            r.RemoteMta = remote is null ? null : remote.Split(' ')[0];
            r.Diagnostic = remote is null ? "x-mailkitserver; " + reply : "smtp; " + reply;
            if (reply.IsPositive)
            {
                r.State = RecipientState.Delivered;
                r.NextHopDsn = dsnPassed;
                _context.Metrics.Deliveries.Add(1);
            }
            else if (!reply.IsTransient)
            {
                r.State = RecipientState.Failed;
            }

            OutboundLog.RecipientOutcome(_logger, message.Id, r.Address, remote ?? "none", r.State == RecipientState.Pending ? "deferred" : r.State.ToString().ToLowerInvariant(), reply.ToString());
        }
    }

    private TimeSpan NextDelay(QueuedMessage message) => _options.RetrySchedule[Math.Clamp(message.Attempts - 1, 0, _options.RetrySchedule.Count - 1)];

    private async Task FinishAttemptAsync(QueuedMessage message, CancellationToken token)
    {
        var now = _time.GetUtcNow();
        var pending = message.Recipients.Where(r => r.State == RecipientState.Pending).ToList();
        if (pending.Count > 0 && now - message.ArrivedAt >= _options.QueueLifetime)
        {
            // RFC 3464 / RFC 3463 4.4.7: the message stayed queued too long; it fails with the last reason.
            foreach (var r in pending)
            {
                r.State = RecipientState.Failed;
                r.Status = "4.4.7";
                r.Diagnostic = (r.Diagnostic ?? "x-mailkitserver; ") + " (delivery time expired)";
            }

            pending.Clear();
        }

        // Failures are reported as they become final; successes when NOTIFY asks and the next hop cannot report them.
        var failed = message.Recipients.Where(r => r.State == RecipientState.Failed && !r.Reported).ToList();
        var delivered = message.Recipients.Where(r => r.State == RecipientState.Delivered && !r.Reported).ToList();
        await NotifyAsync(message, failed.Where(r => (r.Notify & DsnNotify.Never) == 0 && (r.Notify == DsnNotify.None || (r.Notify & DsnNotify.Failure) != 0)).ToList(), DsnAction.Failed, null, token).ConfigureAwait(false);
        await NotifyAsync(message, delivered.Where(r => (r.Notify & DsnNotify.Success) != 0 && !r.NextHopDsn).ToList(), DsnAction.Relayed, null, token).ConfigureAwait(false);
        foreach (var r in failed.Concat(delivered))
        {
            r.Reported = true;
        }

        if (pending.Count == 0)
        {
            await _store.RemoveAsync(message.Id, token).ConfigureAwait(false);
            _entries.TryRemove(message.Id, out _);
            OutboundLog.Removed(_logger, message.Id, failed.Count > 0 ? "done, with failures" : "delivered");
            Changed?.Invoke(message.Id, failed.Count > 0 ? "failed" : "delivered");
            return;
        }

        message.NextAttemptAt = now + NextDelay(message);
        if (!message.DelayReported && now - message.ArrivedAt >= _options.DelayNoticeAfter)
        {
            // RFC 3461 §4.1: a "delayed" notice only for recipients that asked for one.
            var delayed = pending.Where(r => (r.Notify & DsnNotify.Delay) != 0).ToList();
            await NotifyAsync(message, delayed, DsnAction.Delayed, message.ArrivedAt + _options.QueueLifetime, token).ConfigureAwait(false);
            message.DelayReported = true;
        }

        await _store.UpdateAsync(message, token).ConfigureAwait(false);
        Changed?.Invoke(message.Id, "deferred");
    }

    /// <summary>Sends a notice to the sender: into a local mailbox directly, or through this queue for a remote sender.</summary>
    private async Task NotifyAsync(QueuedMessage message, List<QueuedRecipient> recipients, DsnAction action, DateTimeOffset? retryUntil, CancellationToken token)
    {
        if (recipients.Count == 0)
        {
            return;
        }

        if (message.ReversePath.Length == 0)
        {
            // RFC 3461 §6.2, RFC 5321 §4.5.5: nothing is ever sent about a message from the null sender (no loops).
            OutboundLog.NoticeToNullSender(_logger, message.Id);
            return;
        }

        byte[] original;
        await using (var content = await _store.OpenContentAsync(message.Id, token).ConfigureAwait(false))
        {
            using var copy = new MemoryStream();
            if (content is not null)
            {
                await content.CopyToAsync(copy, token).ConfigureAwait(false);
            }

            original = copy.ToArray();
        }

        var notice = DsnComposer.Compose(message, recipients, action, ReportingMta, original, _time.GetUtcNow(), retryUntil);
        _context.Metrics.Bounces.Add(1);
        OutboundLog.Notified(_logger, message.Id, action.ToString().ToLowerInvariant(), recipients.Count);
        await SenderNotifier.SendAsync(_context, this, _logger, message.Id, message.ReversePath, notice, token).ConfigureAwait(false);
    }
}
