using System.Globalization;
using System.Security.Cryptography;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace MailKitServer.Storage.PostgreSql.Notifications;

/// <summary>
/// Change hints over PostgreSQL LISTEN/NOTIFY: hints published here reach this node's subscribers at once and the
/// other nodes through <c>NOTIFY mks_changes</c> (sent in batches in the background, so a delivery never waits for
/// it). One connection per node listens; when it is lost and comes back, every subscriber is told to catch up, since
/// hints may have been missed meanwhile.
/// </summary>
public sealed class PostgresChangeNotifier : IMailboxChangeNotifier
{
    /// <summary>The channel name used with LISTEN and NOTIFY.</summary>
    public const string ChannelName = "mks_changes";

    private const int MaxBatch = 256;
    private readonly NpgsqlDataSource _dataSource;
    private readonly ILogger _logger;
    private readonly HintSubscribers _subscribers = new();
    private readonly Channel<MailboxChangeHint> _outgoing = Channel.CreateBounded<MailboxChangeHint>(new BoundedChannelOptions(65536) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly string _nodeId = Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
    private Task? _listening;
    private Task? _sending;

    /// <summary>Creates the notifier over a data source (its connections need no more than LISTEN and pg_notify).</summary>
    /// <param name="dataSource">The database.</param>
    /// <param name="logger">Where connection problems are logged, or <see langword="null"/>.</param>
    public PostgresChangeNotifier(NpgsqlDataSource dataSource, ILogger? logger = null)
    {
        _dataSource = dataSource ?? throw new ArgumentNullException(nameof(dataSource));
        _logger = logger ?? NullLogger.Instance;
    }

    /// <inheritdoc />
    public async ValueTask StartAsync(CancellationToken cancellationToken)
    {
        if (_listening is not null)
        {
            return;
        }

        var first = await ListenAsync(cancellationToken).ConfigureAwait(false);
        _listening = Task.Run(() => ListenLoopAsync(first), CancellationToken.None);
        _sending = Task.Run(SendLoopAsync, CancellationToken.None);
    }

    /// <inheritdoc />
    public void Publish(MailboxChangeHint hint)
    {
        _subscribers.Dispatch(hint);
        _outgoing.Writer.TryWrite(hint);
    }

    /// <inheritdoc />
    public IDisposable Subscribe(Action<MailboxChangeHint> handler) => _subscribers.Add(handler);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _outgoing.Writer.TryComplete();
        await _stop.CancelAsync().ConfigureAwait(false);
        foreach (var task in new[] { _listening, _sending })
        {
            if (task is not null)
            {
                await task.ConfigureAwait(false);
            }
        }

        _stop.Dispose();
    }

    internal static string Format(string nodeId, MailboxChangeHint hint) =>
        string.Join('\t', nodeId, hint.MailboxId.ToString(CultureInfo.InvariantCulture), hint.ModSeq.ToString(CultureInfo.InvariantCulture), hint.UserId);

    internal static bool TryParse(string payload, out string nodeId, out MailboxChangeHint hint)
    {
        nodeId = string.Empty;
        hint = default;
        var parts = payload.Split('\t', 4);
        if (parts.Length != 4
            || !long.TryParse(parts[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var mailbox)
            || !ulong.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var modSeq))
        {
            return false;
        }

        nodeId = parts[0];
        hint = new MailboxChangeHint(parts[3], mailbox, modSeq);
        return true;
    }

    private async Task<NpgsqlConnection> ListenAsync(CancellationToken cancellationToken)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            connection.Notification += (_, e) =>
            {
                if (TryParse(e.Payload, out var node, out var hint) && node != _nodeId)
                {
                    _subscribers.Dispatch(hint);
                }
            };
            await using var listen = new NpgsqlCommand("LISTEN " + ChannelName, connection);
            await listen.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task ListenLoopAsync(NpgsqlConnection connection)
    {
        var token = _stop.Token;
        var backoff = TimeSpan.FromMilliseconds(100);
        while (!token.IsCancellationRequested)
        {
            try
            {
                if (connection is null)
                {
                    connection = await ListenAsync(token).ConfigureAwait(false);
                    backoff = TimeSpan.FromMilliseconds(100);
                    // Hints sent while nobody listened are lost: every view catches up from the database.
                    _subscribers.Dispatch(MailboxChangeHint.Everything);
                }

                while (true)
                {
                    await connection.WaitAsync(token).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is NpgsqlException or IOException or InvalidOperationException or System.Net.Sockets.SocketException)
            {
                _logger.LogWarning(ex, "Change notifications: the listening connection failed; reconnecting in {Delay}", backoff);
                if (connection is not null)
                {
                    await connection.DisposeAsync().ConfigureAwait(false);
                    connection = null!;
                }

                try
                {
                    // A retry back-off while the database is away, not a wait for an event.
                    await Task.Delay(backoff, token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }

        if (connection is not null)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task SendLoopAsync()
    {
        var reader = _outgoing.Reader;
        var batch = new Dictionary<long, MailboxChangeHint>();
        while (await reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < MaxBatch && reader.TryRead(out var hint))
            {
                // Only the latest MODSEQ of a mailbox matters: views catch up to whatever the database holds.
                batch[hint.MailboxId] = batch.TryGetValue(hint.MailboxId, out var seen) && seen.ModSeq > hint.ModSeq ? seen : hint;
            }

            try
            {
                await using var command = _dataSource.CreateCommand("SELECT pg_notify($1, p) FROM unnest($2::text[]) AS p");
                command.Parameters.AddWithValue(ChannelName);
                command.Parameters.AddWithValue(batch.Values.Select(h => Format(_nodeId, h)).ToArray());
                await command.ExecuteNonQueryAsync(_stop.IsCancellationRequested ? CancellationToken.None : _stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is NpgsqlException or IOException or OperationCanceledException or InvalidOperationException)
            {
                // A hint only: other nodes' views catch up at their next hint or reconnect.
                _logger.LogDebug(ex, "Change notifications: {Count} hints not sent", batch.Count);
            }
        }
    }
}
