using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using MailKitServer.Runtime;
using MailKitServer.Smtp.Outbound.Queue;
using MailKitServer.Smtp.Outbound.TlsRpt;
using Microsoft.Extensions.Logging;

namespace MailKitServer.Smtp.Outbound;

/// <summary>
/// The delivery agent of the outbound queue: for one attempt of one message, routes each recipient domain (MX,
/// smart host, MTA-STS, DANE), talks SMTP to the first host that answers (reusing pooled connections) and records
/// each recipient's outcome on the entry. It never removes, stores or reports an entry: the queue's scheduler does
/// that with what this class recorded.
/// </summary>
internal sealed class DeliveryAgent : IAsyncDisposable
{
    private readonly MailServerContext _context;
    private readonly OutboundOptions _options;
    private readonly IQueueStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly MxRouter _router;
    private readonly string _reportingMta;
    private readonly SmtpConnectionPool _pool;
    private readonly TlsReportCollector? _tlsReports;
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _perDomain = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Creates the agent.</summary>
    /// <param name="context">The server's services (metrics).</param>
    /// <param name="options">Routing, TLS and concurrency options.</param>
    /// <param name="store">Where the entries' content is read from.</param>
    /// <param name="router">Finds the hosts of a domain.</param>
    /// <param name="reportingMta">The name this server gives in EHLO.</param>
    /// <param name="logger">The outbound log.</param>
    /// <param name="tlsReports">Where TLS sessions are counted for TLS reports (RFC 8460), if they are sent.</param>
    public DeliveryAgent(MailServerContext context, OutboundOptions options, IQueueStore store, MxRouter router, string reportingMta, ILogger logger, TlsReportCollector? tlsReports = null)
    {
        _tlsReports = tlsReports;
        _context = context;
        _options = options;
        _store = store;
        _time = context.TimeProvider;
        _router = router;
        _reportingMta = reportingMta;
        _logger = logger;
        _pool = new SmtpConnectionPool(_time, options.ConnectionReuseTime);
    }

    /// <summary>Whether idle pooled connections are waiting to be reused (the scheduler wakes to close old ones).</summary>
    public bool HasIdleConnections => _pool.HasIdle;

    /// <summary>Closes pooled connections that are too old to reuse.</summary>
    /// <returns>A task that completes when they are closed.</returns>
    public Task SweepAsync() => _pool.SweepAsync();

    /// <summary>Tries every pending recipient of <paramref name="message"/> once, the domains in parallel.</summary>
    /// <param name="message">The entry; its recipients' states are updated.</param>
    /// <param name="now">When the attempt started (recorded as each recipient's last attempt).</param>
    /// <param name="token">Cancels the attempt (the server stops).</param>
    /// <returns>A task that completes when every domain has an outcome.</returns>
    public Task AttemptAsync(QueuedMessage message, DateTimeOffset now, CancellationToken token)
    {
        var groups = message.Recipients.Where(r => r.State == RecipientState.Pending).GroupBy(r => Domain(r.Address), StringComparer.OrdinalIgnoreCase).ToList();
        return Task.WhenAll(groups.Select(g => DeliverToDomainAsync(message, g.Key, g.ToList(), now, token)));
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _pool.DisposeAsync();

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
            // RFC 8460 §5.3: TLS reports go out despite TLS policy failures, and their sessions are not reported on.
            var report = _options.TlsReports is { } reports && string.Equals(message.ReversePath, reports.Sender, StringComparison.OrdinalIgnoreCase);
            var route = await _router.RouteAsync(domain, token, applyTlsPolicies: !report).ConfigureAwait(false);
            var counted = report || _options.SmartHost is not null || _options.DomainRoutes.ContainsKey(domain) || domain.StartsWith('[') ? null : _tlsReports;
            if (route.Failure is { } failure)
            {
                if (route.Sts is { } sts)
                {
                    // No MX host the MTA-STS policy names: a failure of the policy (RFC 8460 §4.3.1 validation-failure).
                    counted?.Failure(domain, sts, TlsResultType.ValidationFailure, null, null, failure.ToString());
                }

                Apply(message, recipients, failure, null, now, dsnPassed: false);
                return;
            }

            string? lastError = null;
            foreach (var target in route.Targets)
            {
                var tls = counted is null ? null : new TlsSessionReport(counted, domain, SessionPolicy(target, route));
                foreach (var endPoint in target.EndPoints)
                {
                    if (await TryHostAsync(message, recipients, target, endPoint, now, token, tls).ConfigureAwait(false) is not { } error)
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

    /// <summary>The policy a TLS session with the target is held to, as a TLSRPT report names it (RFC 8460 §4.4).</summary>
    private static TlsSessionPolicy SessionPolicy(RouteTarget target, RouteResult route) => target.Tls switch
    {
        TlsPolicy.Dane or TlsPolicy.Encrypted when target.Tlsa is { } records =>
            new TlsSessionPolicy("tlsa", records.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Usage} {r.Selector} {r.MatchingType} {Convert.ToHexStringLower(r.Data.Span)}")).ToList(), [target.Host]),
        _ => route.Sts ?? TlsSessionPolicy.None,
    };

    /// <summary>
    /// Delivers through one address; returns null when the host gave an answer for the recipients, else why it could
    /// not be used. A new session's TLS outcome is counted in <c>tls</c> for TLS reports, when given.
    /// </summary>
    private async Task<string?> TryHostAsync(QueuedMessage message, List<QueuedRecipient> recipients, RouteTarget target, IPEndPoint endPoint, DateTimeOffset now, CancellationToken token, TlsSessionReport? tls, bool reuse = true)
    {
        var connection = reuse ? _pool.Take(endPoint, target.Host, target.Tls) : null;
        var pooled = connection is not null;
        try
        {
            if (connection is null)
            {
                (connection, var refusal) = await OpenAsync(target, endPoint, tls, token).ConfigureAwait(false);
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
            return await TryHostAsync(message, recipients, target, endPoint, now, token, tls, reuse: false).ConfigureAwait(false);
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

    /// <summary>
    /// Opens a new connection to a host, falling back to plain text where TLS is only opportunistic; counts the TLS
    /// outcome in <paramref name="tls"/> when given (a session that negotiated TLS, or the kind of failure).
    /// </summary>
    private async Task<(SmtpClientConnection? Connection, SmtpClientReply? Refusal)> OpenAsync(RouteTarget target, IPEndPoint endPoint, TlsSessionReport? tls, CancellationToken token)
    {
        var credentials = target.Authenticate && _options.SmartHostUserName is { } user ? (user, _options.SmartHostPassword ?? string.Empty) : ((string, string)?)null;
        try
        {
            var (connection, refusal) = await SmtpClientConnection.OpenAsync(endPoint, target.Host, _reportingMta, _options, _time, target.Tls, credentials, token, target.Tlsa).ConfigureAwait(false);
            if (connection is { IsSecure: true })
            {
                tls?.Success();
            }
            else if (refusal is { Code: 451, Status: "4.7.5" } && target.Tls is not (TlsPolicy.Opportunistic or TlsPolicy.None))
            {
                // The host did not offer STARTTLS but the policy requires it.
                tls?.Failure(TlsResultType.StartTlsNotSupported, target.Host, endPoint.Address, refusal.ToString());
            }

            return (connection, refusal);
        }
        catch (SmtpProtocolException ex) when (target.Tls == TlsPolicy.Opportunistic || (ex.TlsResultType is not null && tls is not null))
        {
            if (ex.TlsResultType is { } failure)
            {
                tls?.Failure(failure, target.Host, endPoint.Address, ex.Message);
            }

            if (target.Tls != TlsPolicy.Opportunistic)
            {
                throw;
            }

            // A failed TLS handshake with an MX: RFC 7435 prefers plain text to no delivery.
            return await SmtpClientConnection.OpenAsync(endPoint, target.Host, _reportingMta, _options, _time, TlsPolicy.None, credentials, token).ConfigureAwait(false);
        }
    }

    /// <summary>Records a reply as the outcome of each recipient.</summary>
    private void Apply(QueuedMessage message, IEnumerable<QueuedRecipient> recipients, SmtpClientReply reply, string? remote, DateTimeOffset now, bool dsnPassed)
    {
        foreach (var r in recipients)
        {
            r.LastAttempt = now;
            r.Status = reply.Status;
            r.RemoteMta = remote?.Split(' ')[0];
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
}
