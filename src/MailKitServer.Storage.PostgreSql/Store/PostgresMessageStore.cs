using System.Collections.Concurrent;
using System.Security.Cryptography;
using MailKitServer.Storage.PostgreSql.Notifications;
using Npgsql;

namespace MailKitServer.Storage.PostgreSql.Store;

/// <summary>
/// The message store on PostgreSQL, shared by every node that uses the same database. UIDs and MODSEQs are
/// allocated from per-mailbox counter rows in the transaction that stores the message, so they are unique and
/// become visible in ascending order whichever node stores; a delivery is acknowledged only after COMMIT. Content is
/// streamed in chunk rows and stored once for all recipients. Open views learn of changes from
/// <see cref="IMailboxChangeNotifier"/> hints and catch up from the database by MODSEQ.
/// Get it from <see cref="PostgresMailDatabase.MessageStore"/>.
/// </summary>
public sealed class PostgresMessageStore : IMessageStore
{
    private readonly ConcurrentDictionary<string, long> _accounts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<long, ConcurrentDictionary<long, PostgresMailboxView>> _views = new();
    private readonly IDisposable _subscription;
    private long _nextViewId;

    internal PostgresMessageStore(NpgsqlDataSource dataSource, PostgresStoreOptions options, IMailboxChangeNotifier notifier)
    {
        DataSource = dataSource;
        Options = options;
        Notifier = notifier;
        _subscription = notifier.Subscribe(OnHint);
    }

    internal NpgsqlDataSource DataSource { get; }

    internal PostgresStoreOptions Options { get; }

    internal IMailboxChangeNotifier Notifier { get; }

    /// <inheritdoc />
    public ValueTask<DeliveryResult> DeliverAsync(DeliveryRequest request, Stream content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(content);
        return PgGuard.RunAsync(() => DeliverCoreAsync(request, content, cancellationToken));
    }

    /// <inheritdoc />
    public ValueTask<IMailAccount> OpenAccountAsync(string userId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        return PgGuard.RunAsync<IMailAccount>(async () => new PostgresAccount(this, userId, await AccountIdAsync(userId, cancellationToken).ConfigureAwait(false)));
    }

    /// <summary>A user's usage (octets and messages in all mailboxes), as quotas count it.</summary>
    /// <param name="userId">The user id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The usage.</returns>
    public ValueTask<(long Bytes, long Messages)> GetUsageAsync(string userId, CancellationToken cancellationToken) => PgGuard.RunAsync(async () =>
    {
        var id = await AccountIdAsync(userId, cancellationToken).ConfigureAwait(false);
        await using var command = DataSource.CreateCommand("SELECT used_bytes, used_messages FROM mks_accounts WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return (reader.GetInt64(0), reader.GetInt64(1));
    });

    internal long NextViewId() => Interlocked.Increment(ref _nextViewId);

    internal static uint NewUidValidity() => (uint)RandomNumberGenerator.GetInt32(1, int.MaxValue);

    internal void Attach(PostgresMailboxView view) => _views.GetOrAdd(view.MailboxId, _ => new()).TryAdd(view.ViewId, view);

    internal void Detach(PostgresMailboxView view)
    {
        if (_views.TryGetValue(view.MailboxId, out var set))
        {
            set.TryRemove(view.ViewId, out _);
        }
    }

    internal void Published(string userId, long mailboxId, ulong modSeq) => Notifier.Publish(new MailboxChangeHint(userId, mailboxId, modSeq));

    /// <summary>The account's id, creating the account (INBOX, the default mailboxes, their subscriptions) on first use.</summary>
    internal async Task<long> AccountIdAsync(string userId, CancellationToken cancellationToken)
    {
        var key = userId.ToLowerInvariant();
        if (_accounts.TryGetValue(key, out var id))
        {
            return id;
        }

        await using var connection = await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var insert = new NpgsqlCommand("INSERT INTO mks_accounts (user_id) VALUES ($1) ON CONFLICT (user_id) DO NOTHING RETURNING id", connection, transaction))
        {
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
            var created = await insert.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            if (created is long newId)
            {
                id = newId;
                var names = new List<(string Name, MailboxRole Role)> { (MailboxName.Inbox, MailboxRole.Inbox) };
                names.AddRange(Options.DefaultMailboxes.Select(kv => (kv.Key, kv.Value)));
                var batch = new NpgsqlBatch(connection, transaction);
                await using (batch.ConfigureAwait(false))
                {
                    foreach (var (name, role) in names)
                    {
                        batch.BatchCommands.Add(Command(
                            "INSERT INTO mks_mailboxes (account_id, name, role, uid_validity) VALUES ($1, $2, $3, $4)",
                            id, name, (short)role, (long)NewUidValidity()));
                        batch.BatchCommands.Add(Command("INSERT INTO mks_subscriptions (account_id, name) VALUES ($1, $2)", id, name));
                    }

                    await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
            }
        }

        if (id == 0)
        {
            await using var select = new NpgsqlCommand("SELECT id FROM mks_accounts WHERE user_id = $1", connection, transaction);
            select.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
            id = (long)(await select.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        _accounts[key] = id;
        return id;
    }

    /// <summary>
    /// Runs work in a transaction and commits it; a deadlock, a serialization failure or a key conflict with a
    /// concurrent transaction is retried (the work must not consume anything it cannot read again). The database
    /// being away becomes <see cref="StoreUnavailableException"/>.
    /// </summary>
    internal ValueTask<T> TransactAsync<T>(Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> work, CancellationToken cancellationToken) => PgGuard.RunAsync(async () =>
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                var result = await work(connection, transaction).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return result;
            }
            catch (PostgresException ex) when (attempt < 5 && ex.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.ForeignKeyViolation or PostgresErrorCodes.UniqueViolation)
            {
            }
        }
    });

    /// <summary>A batch command with positional parameters.</summary>
    internal static NpgsqlBatchCommand Command(string sql, params object[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return command;
    }

    private async ValueTask<DeliveryResult> DeliverCoreAsync(DeliveryRequest request, Stream content, CancellationToken cancellationToken)
    {
        var outcomes = new DeliveryOutcome?[request.Targets.Count];
        var valid = new List<(int Index, long AccountId, string Mailbox)>();
        for (var i = 0; i < request.Targets.Count; i++)
        {
            var target = request.Targets[i];
            if (!MailboxName.TryNormalize(target.Mailbox, out var mailbox))
            {
                outcomes[i] = new DeliveryOutcome(target, StoreStatus.InvalidName, Message: "invalid mailbox name");
                continue;
            }

            valid.Add((i, await AccountIdAsync(target.UserId, cancellationToken).ConfigureAwait(false), mailbox));
        }

        var published = new List<(string UserId, long MailboxId, ulong ModSeq)>();
        if (valid.Count == 0)
        {
            // Nothing to store; the content is still read to its end, as the seam promises.
            await content.CopyToAsync(Stream.Null, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await using var connection = await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            var written = await ContentWriter.WriteAsync(connection, transaction, content, Options.ChunkSize, Options.MaxMessageSize, cancellationToken).ConfigureAwait(false);
            if (written is not { } stored)
            {
                foreach (var v in valid)
                {
                    outcomes[v.Index] = new DeliveryOutcome(request.Targets[v.Index], StoreStatus.OverQuota, Message: "message too large for this store");
                }
            }
            else
            {
                await StoreRowsAsync(connection, transaction, request, valid, stored, outcomes, published, cancellationToken).ConfigureAwait(false);
            }

            if (published.Count > 0)
            {
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        foreach (var (user, mailbox, modSeq) in published)
        {
            Published(user, mailbox, modSeq);
        }

        return new DeliveryResult(outcomes.Select(o => o!).ToList());
    }

    /// <summary>
    /// Adds the stored content to every valid target's mailbox in one batch, filling <paramref name="outcomes"/> and
    /// noting each success's change in <paramref name="published"/> (to announce once the transaction commits).
    /// </summary>
    private async ValueTask StoreRowsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, DeliveryRequest request, List<(int Index, long AccountId, string Mailbox)> valid, (long Id, long Size) stored, DeliveryOutcome?[] outcomes, List<(string UserId, long MailboxId, ulong ModSeq)> published, CancellationToken cancellationToken)
    {
        // Rows are locked account first, then mailbox, in one order for every transaction: no deadlocks.
        var ordered = valid.OrderBy(v => v.AccountId).ThenBy(v => v.Mailbox, StringComparer.Ordinal).ToList();
        var batch = new NpgsqlBatch(connection, transaction);
        await using (batch.ConfigureAwait(false))
        {
            foreach (var v in ordered)
            {
                batch.BatchCommands.Add(StoreCommands.Deliver(v.AccountId, v.Mailbox, stored.Id, stored.Size, SystemFlags.None, [], request.InternalDate, Options));
            }

            await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            foreach (var v in ordered)
            {
                var target = request.Targets[v.Index];
                if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var mailboxId = reader.GetInt64(0);
                    var uid = (uint)reader.GetInt64(1);
                    published.Add((target.UserId, mailboxId, (ulong)reader.GetInt64(2)));
                    outcomes[v.Index] = new DeliveryOutcome(target, StoreStatus.Success, uid);
                }
                else
                {
                    outcomes[v.Index] = new DeliveryOutcome(target, StoreStatus.OverQuota, Message: "mailbox full");
                }

                await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private void OnHint(MailboxChangeHint hint)
    {
        if (hint.MailboxId == 0)
        {
            foreach (var set in _views.Values)
            {
                foreach (var view in set.Values)
                {
                    view.Poke(ulong.MaxValue);
                }
            }
        }
        else if (_views.TryGetValue(hint.MailboxId, out var set))
        {
            foreach (var view in set.Values)
            {
                view.Poke(hint.ModSeq);
            }
        }
    }

    internal void Dispose() => _subscription.Dispose();
}
