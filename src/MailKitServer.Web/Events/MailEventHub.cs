using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using MailKitServer.Smtp.Outbound;
using MailKitServer.Storage;
using MailKitServer.Web.Api;
using Microsoft.Extensions.Logging;
using MimeKit;

namespace MailKitServer.Web.Events;

/// <summary>
/// Live changes for the event stream, read from the store's own change feed (<see cref="IMailboxView.Changes"/>, which
/// every store fills for deliveries, IMAP and POP3 changes and other nodes): one read-only view per mailbox of each
/// shown account, opened when the first client subscribes, for accounts that appear later, and for mailboxes made
/// later where the store tells of them (<see cref="IMailboxCreationFeed"/>: the in-memory and Maildir stores; the mail
/// a new mailbox received before its view opened is announced then). Each subscriber has a
/// bounded queue; a client too slow to keep up loses the oldest events, never the server's memory. The outbound queue's
/// changes (queued, deferred, delivered, failed, deleted) come as <c>queue</c> events.
/// </summary>
internal sealed class MailEventHub : IAsyncDisposable
{
    private const int SubscriberQueue = 256;

    /// <summary>The mailboxes being watched, by user and name (guarded by itself).</summary>
    private readonly HashSet<(string User, string Mailbox)> _open = [];
    private readonly IMailboxCreationFeed? _creations;

    private readonly ConcurrentDictionary<Channel<MailEvent>, byte> _subscribers = new();
    private readonly ConcurrentDictionary<string, byte> _watched = new(StringComparer.OrdinalIgnoreCase);
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly List<Task> _readers = [];
    private readonly List<(string User, IMailAccount Account)> _accounts = [];
    private readonly MailCatalog _catalog;
    private readonly ILogger _logger;
    private readonly OutboundQueue? _queue;

    public MailEventHub(MailCatalog catalog, ILogger logger)
    {
        _catalog = catalog;
        _logger = logger;
        _queue = catalog.Server.Context.OutboundQueue as OutboundQueue;
        if (_queue is not null)
        {
            _queue.Changed += OnQueueChanged;
        }

        _creations = catalog.Store as IMailboxCreationFeed;
        if (_creations is not null)
        {
            _creations.MailboxCreated += OnMailboxCreated;
        }
    }

    /// <summary>Subscribes; the returned reader sees every event after the call returns (the watchers are open by then).</summary>
    public async Task<Channel<MailEvent>> SubscribeAsync(CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<MailEvent>(new BoundedChannelOptions(SubscriberQueue) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        _subscribers[channel] = 0;
        await WatchNewAccountsAsync(cancellationToken).ConfigureAwait(false);
        return channel;
    }

    public void Unsubscribe(Channel<MailEvent> channel) => _subscribers.TryRemove(channel, out _);

    /// <summary>Opens views on the mailboxes of accounts not watched yet.</summary>
    public async Task WatchNewAccountsAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_watched.IsEmpty)
            {
                await WarmUpAsync().ConfigureAwait(false);
            }

            foreach (var user in _catalog.Users().Where(u => !_watched.ContainsKey(u)))
            {
                var account = await _catalog.Store.OpenAccountAsync(user, _stop.Token).ConfigureAwait(false);
                // Watched before the listing: a mailbox made while it runs is told to OnMailboxCreated, which waits
                // for the gate and then finds it open already or opens it.
                _accounts.Add((user, account));
                _watched[user] = 0;
                foreach (var mailbox in await account.ListAsync(_stop.Token).ConfigureAwait(false))
                {
                    await WatchAsync(user, account, mailbox.Name, announce: false).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Opens a view on a mailbox not watched yet and reads its changes (under <see cref="_gate"/>). With
    /// <paramref name="announce"/>, the newest messages it already holds are announced as added: a mailbox made after
    /// the stream opened may have received mail before its view did.
    /// </summary>
    private async Task WatchAsync(string user, IMailAccount account, string mailbox, bool announce)
    {
        var key = (user, mailbox);
        lock (_open)
        {
            if (!_open.Add(key))
            {
                return;
            }
        }

        var view = await account.OpenAsync(mailbox, readOnly: true, _stop.Token).ConfigureAwait(false);
        if (view is null)
        {
            lock (_open)
            {
                _open.Remove(key);
            }

            return;
        }

        if (announce)
        {
            foreach (var info in view.Messages.TakeLast(SubscriberQueue))
            {
                await PublishAddedAsync(user, view, info).ConfigureAwait(false);
            }
        }

        _readers.Add(Task.Run(() => ReadAsync(user, view)));
    }

    /// <summary>A store's word that a mailbox exists now (its user id, the mailbox's name).</summary>
    private void OnMailboxCreated(string userId, string mailbox)
    {
        if (_watched.ContainsKey(userId) && !_stop.IsCancellationRequested)
        {
            _ = Task.Run(() => WatchCreatedAsync(userId, mailbox));
        }
    }

    private async Task WatchCreatedAsync(string userId, string mailbox)
    {
        try
        {
            await _gate.WaitAsync(_stop.Token).ConfigureAwait(false);
            try
            {
                foreach (var (user, account) in _accounts.Where(a => string.Equals(a.Account.UserId, userId, StringComparison.OrdinalIgnoreCase)))
                {
                    await WatchAsync(user, account, mailbox, announce: true).ConfigureAwait(false);
                }
            }
            finally
            {
                _gate.Release();
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is IOException or StoreUnavailableException or InvalidOperationException or ObjectDisposedException)
        {
            _logger.LogWarning(ex, "Could not watch the new mailbox {User}/{Mailbox} for the event stream", userId, mailbox);
        }
    }

    private async Task PublishAddedAsync(string user, IMailboxView view, MessageInfo info)
    {
        var headers = await ReadHeadersAsync(view, info.Uid).ConfigureAwait(false);
        Publish(new MailEvent("message-added", JsonSerializer.Serialize(Summaries.Create(new MessageId(user, view.Name, view.Status.UidValidity, info.Uid), info, headers), WebJson.Default.MessageSummary)));
    }

    private async Task ReadAsync(string user, IMailboxView view)
    {
        try
        {
            await foreach (var change in view.Changes.ReadAllAsync(_stop.Token).ConfigureAwait(false))
            {
                var id = new MessageId(user, view.Name, view.Status.UidValidity, change.Uid).ToString();
                switch (change.Kind)
                {
                    case MailboxChangeKind.Added when change.Message is { } info:
                        await PublishAddedAsync(user, view, info).ConfigureAwait(false);
                        break;
                    case MailboxChangeKind.Expunged:
                        Publish(new MailEvent("message-deleted", JsonSerializer.Serialize(new MessageRemoved(id, user, view.Name), WebJson.Default.MessageRemoved)));
                        break;
                    case MailboxChangeKind.FlagsChanged when change.Message is { } info:
                        Publish(new MailEvent("message-flags", JsonSerializer.Serialize(new FlagsChanged(id, info.Flags.HasFlag(SystemFlags.Seen), Summaries.Flags(info)), WebJson.Default.FlagsChanged)));
                        break;
                    case MailboxChangeKind.MailboxGone:
                        return;
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is IOException or StoreUnavailableException or InvalidOperationException)
        {
            _logger.LogWarning(ex, "Stopped watching {User}/{Mailbox} for the event stream", user, view.Name);
        }
        finally
        {
            lock (_open)
            {
                // Deleted or renamed away: a mailbox made again under this name is watched afresh.
                _open.Remove((user, view.Name));
            }

            await view.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Runs the event path once on a made-up message before the first watcher opens, so the first real event does not
    /// pay for compiling MimeKit's parser and the JSON writer (measured: ~150 ms on a loaded 2-core machine).
    /// </summary>
    private static async Task WarmUpAsync()
    {
        var headers = await HeaderList.LoadAsync(new MemoryStream("From: a@b.test\r\nTo: c@d.test\r\nSubject: warm-up\r\nDate: Thu, 1 Jan 2026 00:00:00 +0000\r\n\r\n"u8.ToArray())).ConfigureAwait(false);
        var info = new MessageInfo(1, SystemFlags.None, [], DateTimeOffset.UnixEpoch, 1, 1);
        _ = JsonSerializer.Serialize(Summaries.Create(new MessageId("warm@up.test", "INBOX", 1, 1), info, headers), WebJson.Default.MessageSummary);
    }

    private async Task<HeaderList> ReadHeadersAsync(IMailboxView view, uint uid)
    {
        await using var content = await view.OpenContentAsync(uid, 0, MailCatalog.HeaderReadLimit, _stop.Token).ConfigureAwait(false);
        if (content is null)
        {
            return [];
        }

        try
        {
            return await HeaderList.LoadAsync(content, _stop.Token).ConfigureAwait(false);
        }
        catch (FormatException)
        {
            return [];
        }
    }

    private void OnQueueChanged(string id, string change) =>
        Publish(new MailEvent("queue", JsonSerializer.Serialize(new QueueChanged(id, change), WebJson.Default.QueueChanged)));

    private void Publish(MailEvent e)
    {
        foreach (var subscriber in _subscribers.Keys)
        {
            subscriber.Writer.TryWrite(e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_queue is not null)
        {
            _queue.Changed -= OnQueueChanged;
        }

        if (_creations is not null)
        {
            _creations.MailboxCreated -= OnMailboxCreated;
        }

        await _stop.CancelAsync().ConfigureAwait(false);

        // A new mailbox being watched finishes (or fails on the cancelled token) before the readers are counted.
        await _gate.WaitAsync().ConfigureAwait(false);
        await Task.WhenAll(_readers).ConfigureAwait(false);
        foreach (var (_, account) in _accounts)
        {
            await account.DisposeAsync().ConfigureAwait(false);
        }

        _stop.Dispose();
        _gate.Dispose();
    }
}
