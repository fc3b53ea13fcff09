using System.Collections.Concurrent;

namespace MailKitServer.Storage.InMemory;

/// <summary>
/// A message store that keeps everything in process memory: the default for tests and the fixture.
/// Thread-safe; a delivery is "durable" once it is in memory, for the lifetime of the process.
/// </summary>
public sealed partial class InMemoryMessageStore : IMessageStore, Runtime.IBlockingHint
{
    /// <summary>Everything is in memory: a delivery waits on I/O only through a quota directory that may.</summary>
    bool Runtime.IBlockingHint.MayBlock => Runtime.IBlockingHint.Of(_options.QuotaDirectory);

    private readonly ConcurrentDictionary<string, InMemoryAccountState> _accounts = new(StringComparer.OrdinalIgnoreCase);
    private readonly InMemoryMessageStoreOptions _options;
    private readonly TimeProvider _time;
    private long _uidValiditySeed;
    private long _nextViewId;

    /// <summary>Creates an empty store.</summary>
    /// <param name="options">The options, or <see langword="null"/> for the defaults.</param>
    /// <param name="timeProvider">The clock for internal dates, or <see langword="null"/> for the system clock.</param>
    public InMemoryMessageStore(InMemoryMessageStoreOptions? options = null, TimeProvider? timeProvider = null)
    {
        _options = options ?? new InMemoryMessageStoreOptions();
        _time = timeProvider ?? TimeProvider.System;
        _uidValiditySeed = _time.GetUtcNow().ToUnixTimeSeconds() & 0x3FFFFFFF;
    }

    internal InMemoryMessageStoreOptions Options => _options;

    /// <inheritdoc />
    public async ValueTask<DeliveryResult> DeliverAsync(DeliveryRequest request, Stream content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(content);
        var bytes = await ReadAllAsync(content, cancellationToken).ConfigureAwait(false);
        var outcomes = new List<DeliveryOutcome>(request.Targets.Count);
        foreach (var target in request.Targets)
        {
            if (bytes is null)
            {
                outcomes.Add(new DeliveryOutcome(target, StoreStatus.OverQuota, Message: "message too large for this store"));
                continue;
            }

            if (!MailboxName.TryNormalize(target.Mailbox, out var mailboxName))
            {
                outcomes.Add(new DeliveryOutcome(target, StoreStatus.InvalidName, Message: "invalid mailbox name"));
                continue;
            }

            var account = GetAccount(target.UserId);
            await RefreshQuotaAsync(target.UserId, account, cancellationToken).ConfigureAwait(false);
            lock (account.Sync)
            {
                if (!account.Mailboxes.TryGetValue(mailboxName, out var mailbox))
                {
                    // Deliveries to a missing folder land in INBOX, as Sieve's fileinto fallback does.
                    mailbox = account.Mailboxes[MailboxName.Inbox];
                }

                if (!account.Allows(bytes.Length, 1))
                {
                    outcomes.Add(new DeliveryOutcome(target, StoreStatus.OverQuota, Message: "mailbox full"));
                    continue;
                }

                var m = mailbox.Add(bytes, SystemFlags.None, [], request.InternalDate, origin: 0, Now);
                outcomes.Add(new DeliveryOutcome(target, StoreStatus.Success, m.Uid));
            }
        }

        return new DeliveryResult(outcomes);
    }

    /// <inheritdoc />
    public ValueTask<IMailAccount> OpenAccountAsync(string userId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        return ValueTask.FromResult<IMailAccount>(new InMemoryAccount(this, userId, GetAccount(userId)));
    }

    /// <summary>Takes the user's limits from the quota directory, when there is one (before the caller checks them).</summary>
    internal async ValueTask RefreshQuotaAsync(string userId, InMemoryAccountState state, CancellationToken cancellationToken)
    {
        if (_options.QuotaDirectory is { } directory)
        {
            var limits = await directory.GetQuotaAsync(userId, cancellationToken).ConfigureAwait(false);
            lock (state.Sync)
            {
                state.DirectoryLimits = limits;
            }
        }
    }

    /// <summary>Removes every account and message (the fixture's purge).</summary>
    public void Clear()
    {
        _accounts.Clear();
        ClearPublic();
        lock (ServerMetadata)
        {
            ServerMetadata.Clear();
        }
    }

    /// <summary>The server's annotations (RFC 5464: the same from every account); lock it to use it.</summary>
    internal Metadata.MetadataTable ServerMetadata { get; } = new();

    internal long NextViewId() => Interlocked.Increment(ref _nextViewId);

    internal uint NextUidValidity() => (uint)Interlocked.Increment(ref _uidValiditySeed);

    internal DateTimeOffset Now => _time.GetUtcNow();

    /// <summary>
    /// Reads a message to keep (<see cref="MessageContent.ReadAsync"/>): larger ones in the process's memory file, where
    /// there is one; <see langword="null"/> when it is over <see cref="InMemoryMessageStoreOptions.MaxMessageSize"/>.
    /// </summary>
    internal ValueTask<MessageContent?> ReadAllAsync(Stream content, CancellationToken cancellationToken) =>
        MessageContent.ReadAsync(content, _options.MaxMessageSize, MemoryFile.Shared, cancellationToken);

    private InMemoryAccountState GetAccount(string userId) => _accounts.GetOrAdd(userId, _ =>
    {
        var state = new InMemoryAccountState();
        state.Mailboxes[MailboxName.Inbox] = new InMemoryMailbox(MailboxName.Inbox, MailboxRole.Inbox, NextUidValidity());
        state.Subscriptions.Add(MailboxName.Inbox);
        foreach (var (name, role) in _options.DefaultMailboxes)
        {
            state.Mailboxes[name] = new InMemoryMailbox(name, role, NextUidValidity());
            state.Subscriptions.Add(name);
        }

        return state;
    });
}
