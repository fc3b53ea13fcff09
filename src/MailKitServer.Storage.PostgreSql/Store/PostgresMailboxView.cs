using System.Collections.Concurrent;
using System.Threading.Channels;
using Npgsql;

namespace MailKitServer.Storage.PostgreSql.Store;

/// <summary>
/// A selected mailbox of the <see cref="PostgresMessageStore"/>: the snapshot taken at open, then changes from every
/// session and node, read from the database by MODSEQ whenever a hint says the mailbox moved past what the view has
/// seen. A change this view made itself is read back before the call that made it returns, marked with its origin.
/// </summary>
internal sealed class PostgresMailboxView : IModSeqMailboxView
{
    private readonly PostgresMessageStore _store;
    private readonly PostgresAccount _account;
    private readonly MailboxChangeFeed _changes = new();
    private readonly SemaphoreSlim _catchUp = new(1, 1);
    private readonly ConcurrentDictionary<ulong, byte> _own = new();
    private ulong _cursor;
    private uint _largestUid;
    private int _pending;
    private int _disposed;

    private PostgresMailboxView(PostgresMessageStore store, PostgresAccount account, long mailboxId, MailboxStatus status, IReadOnlyList<MessageInfo> messages, bool readOnly)
    {
        _store = store;
        _account = account;
        MailboxId = mailboxId;
        Status = status;
        Messages = messages;
        IsReadOnly = readOnly;
        ViewId = store.NextViewId();
        _cursor = status.HighestModSeq;
        _largestUid = status.UidNext - 1;
    }

    public string Name => Status.Name;

    public bool IsReadOnly { get; }

    public long ViewId { get; }

    public MailboxStatus Status { get; }

    public IReadOnlyList<MessageInfo> Messages { get; }

    public ChannelReader<MailboxChange> Changes => _changes.Reader;

    internal long MailboxId { get; }

    internal static async Task<IMailboxView?> OpenAsync(PostgresMessageStore store, PostgresAccount account, string name, bool readOnly, CancellationToken cancellationToken)
    {
        PostgresMailboxView view;
        await using (var connection = await store.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        {
            // One snapshot for the counters and the messages.
            await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
            if (await PostgresAccount.ReadStatusAsync(connection, transaction, account.AccountId, name, cancellationToken).ConfigureAwait(false) is not { } found)
            {
                return null;
            }

            var messages = new List<MessageInfo>(found.Status.Messages);
            await using (var command = new NpgsqlCommand($"SELECT {MessageRows.Columns} FROM mks_messages WHERE mailbox_id = $1 ORDER BY uid", connection, transaction))
            {
                command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = found.Id });
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    messages.Add(MessageRows.Read(reader));
                }
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            view = new PostgresMailboxView(store, account, found.Id, found.Status, messages, readOnly);
        }

        // Hints for changes committed after the snapshot but before this view was attached were not seen: catch up once.
        store.Attach(view);
        view.Poke(ulong.MaxValue);
        return view;
    }

    /// <summary>Told that the mailbox reached <paramref name="modSeq"/>: catches up in the background unless it already has.</summary>
    internal void Poke(ulong modSeq)
    {
        if (modSeq <= Volatile.Read(ref _cursor) || Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

        if (Interlocked.Exchange(ref _pending, 1) == 0)
        {
            _ = Task.Run(async () =>
            {
                while (Interlocked.Exchange(ref _pending, 0) == 1 && Volatile.Read(ref _disposed) == 0)
                {
                    try
                    {
                        await CatchUpAsync(CancellationToken.None).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (PgGuard.IsUnavailable(ex) || ex is ObjectDisposedException)
                    {
                        // The next hint (the notifier sends one to everybody once the database is back) catches up.
                    }
                }
            });
        }
    }

    /// <summary>Reads every change after the view's cursor into <see cref="Changes"/>.</summary>
    internal async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        await _catchUp.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await CatchUpCoreAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _catchUp.Release();
        }
    }

    /// <summary>
    /// Runs one of this view's own changes: no catch-up runs meanwhile, so the change's MODSEQ is known as this
    /// view's before it is read back. After the commit, other views are told and this view reads the change back
    /// (if that read fails, the change stays committed and arrives with the next catch-up).
    /// </summary>
    internal async Task<T> OwnAsync<T>(Func<Task<(T Result, ulong ModSeq)>> operation, CancellationToken cancellationToken)
    {
        await _catchUp.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var (result, modSeq) = await operation().ConfigureAwait(false);
            if (modSeq > 0)
            {
                _own[modSeq] = 0;
                _store.Published(_account.UserId, MailboxId, modSeq);
                try
                {
                    await CatchUpCoreAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (PgGuard.IsUnavailable(ex))
                {
                }
            }

            return result;
        }
        finally
        {
            _catchUp.Release();
        }
    }

    private async Task CatchUpCoreAsync(CancellationToken cancellationToken)
    {
            if (_disposed != 0 || _changes.Reader.Completion.IsCompleted)
            {
                return;
            }

            await using var connection = await _store.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var batch = new NpgsqlBatch(connection);
            // The mailbox's MODSEQ first: every change up to it is committed (a mailbox's changes commit in MODSEQ
            // order, serialized by its row lock), so what the next two statements show up to it is complete.
            batch.BatchCommands.Add(PostgresMessageStore.Command("SELECT name, highest_modseq FROM mks_mailboxes WHERE id = $1", MailboxId));
            batch.BatchCommands.Add(PostgresMessageStore.Command($"SELECT {MessageRows.Columns} FROM mks_messages WHERE mailbox_id = $1 AND modseq > $2 ORDER BY uid", MailboxId, (long)_cursor));
            batch.BatchCommands.Add(PostgresMessageStore.Command("SELECT uid, modseq FROM mks_expunged WHERE mailbox_id = $1 AND modseq > $2 ORDER BY modseq, uid", MailboxId, (long)_cursor));
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false) || reader.GetString(0) != Name)
            {
                // Deleted or renamed away.
                _changes.Writer.TryWrite(new MailboxChange(MailboxChangeKind.MailboxGone, null, 0, _cursor, 0));
                _changes.Writer.TryComplete();
                return;
            }

            var highest = (ulong)reader.GetInt64(1);
            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            var added = new List<MessageInfo>();
            var changed = new List<MessageInfo>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var m = MessageRows.Read(reader);
                if (m.ModSeq <= highest)
                {
                    (m.Uid > _largestUid ? added : changed).Add(m);
                }
            }

            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            var expunged = new List<(uint Uid, ulong ModSeq)>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var modSeq = (ulong)reader.GetInt64(1);
                if (modSeq <= highest)
                {
                    expunged.Add(((uint)reader.GetInt64(0), modSeq));
                }
            }

            // New messages in UID order (the engine announces them so), then flag changes, then expunges.
            foreach (var m in added)
            {
                _largestUid = Math.Max(_largestUid, m.Uid);
                _changes.Writer.TryWrite(new MailboxChange(MailboxChangeKind.Added, m, m.Uid, m.ModSeq, Origin(m.ModSeq)));
            }

            foreach (var m in changed.OrderBy(m => m.ModSeq))
            {
                _changes.Writer.TryWrite(new MailboxChange(MailboxChangeKind.FlagsChanged, m, m.Uid, m.ModSeq, Origin(m.ModSeq)));
            }

            foreach (var (uid, modSeq) in expunged)
            {
                _largestUid = Math.Max(_largestUid, uid);
                _changes.Writer.TryWrite(new MailboxChange(MailboxChangeKind.Expunged, null, uid, modSeq, Origin(modSeq)));
            }

            foreach (var seen in _own.Keys.Where(k => k <= highest))
            {
                _own.TryRemove(seen, out _);
            }

            Volatile.Write(ref _cursor, Math.Max(_cursor, highest));
    }

    public ValueTask<Stream?> OpenContentAsync(uint uid, long offset, long? length, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        return PgGuard.RunAsync(async () => await ChunkReadStream.OpenAsync(_store.DataSource, MailboxId, uid, offset, length, cancellationToken).ConfigureAwait(false));
    }

    public async ValueTask<AppendResult> AppendAsync(Stream content, SystemFlags flags, IReadOnlyCollection<string> keywords, DateTimeOffset? internalDate, CancellationToken cancellationToken) =>
        await OwnAsync(async () =>
        {
            var (result, _, modSeq) = await _account.AppendCoreAsync(Name, content, flags, keywords, internalDate, cancellationToken).ConfigureAwait(false);
            return (result, modSeq);
        }, cancellationToken).ConfigureAwait(false);

    public async ValueTask<StoreFlagsResult> StoreFlagsAsync(UidSet uids, FlagChange change, ulong? unchangedSince, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uids);
        ArgumentNullException.ThrowIfNull(change);
        if (IsReadOnly)
        {
            return new StoreFlagsResult(StoreStatus.NotAllowed, [], []);
        }

        return await OwnAsync(async () => await _store.TransactAsync(async (connection, transaction) =>
        {
            await using (var lockRow = new NpgsqlCommand("SELECT 1 FROM mks_mailboxes WHERE id = $1 FOR UPDATE", connection, transaction))
            {
                lockRow.Parameters.Add(new NpgsqlParameter<long> { TypedValue = MailboxId });
                if (await lockRow.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null)
                {
                    return (new StoreFlagsResult(StoreStatus.NotFound, [], []), 0UL);
                }
            }

            var current = new List<MessageInfo>();
            await using (var select = new NpgsqlCommand($"SELECT {MessageRows.Columns} FROM mks_messages WHERE mailbox_id = $1 AND {MessageRows.InSet(2)} ORDER BY uid", connection, transaction))
            {
                select.Parameters.Add(new NpgsqlParameter<long> { TypedValue = MailboxId });
                MessageRows.AddSet(select.Parameters, uids);
                await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    current.Add(MessageRows.Read(reader));
                }
            }

            var modified = new List<uint>();
            var after = new List<MessageInfo>();
            var updates = new List<(MessageInfo Before, SystemFlags Flags, IReadOnlyList<string> Keywords)>();
            foreach (var m in current)
            {
                // RFC 7162 §3.1.3: UNCHANGEDSINCE leaves messages changed after it alone and reports them.
                if (unchangedSince is { } since && m.ModSeq > since)
                {
                    modified.Add(m.Uid);
                    continue;
                }

                var (flags, keywords) = change.Apply(m.Flags, m.Keywords);
                if (flags != m.Flags || !keywords.SequenceEqual(m.Keywords, StringComparer.OrdinalIgnoreCase))
                {
                    updates.Add((m, flags, keywords));
                }
                else
                {
                    after.Add(m);
                }
            }

            ulong next = 0;
            if (updates.Count > 0)
            {
                await using (var bump = new NpgsqlCommand("UPDATE mks_mailboxes SET highest_modseq = highest_modseq + 1 WHERE id = $1 RETURNING highest_modseq", connection, transaction))
                {
                    bump.Parameters.Add(new NpgsqlParameter<long> { TypedValue = MailboxId });
                    next = (ulong)(long)(await bump.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
                }

                // One statement per distinct outcome (usually one): flags, keywords and the new MODSEQ.
                await using var batch = new NpgsqlBatch(connection, transaction);
                foreach (var group in updates.GroupBy(u => (u.Flags, string.Join('\n', u.Keywords))))
                {
                    batch.BatchCommands.Add(PostgresMessageStore.Command(
                        "UPDATE mks_messages SET flags = $3, keywords = $4, modseq = $5 WHERE mailbox_id = $1 AND uid = ANY($2)",
                        MailboxId, group.Select(u => (long)u.Before.Uid).ToArray(), (short)group.Key.Flags, group.First().Keywords.ToArray(), (long)next));
                    after.AddRange(group.Select(u => u.Before with { Flags = u.Flags, Keywords = u.Keywords, ModSeq = next }));
                }

                await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            return (new StoreFlagsResult(StoreStatus.Success, after.OrderBy(m => m.Uid).ToList(), modified), next);
        }, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<CopyResult> CopyAsync(UidSet uids, string target, bool move, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uids);
        if (!MailboxName.TryNormalize(target, out var normalized))
        {
            return new CopyResult(StoreStatus.InvalidName, 0, [], [], "invalid mailbox name");
        }

        if (move && IsReadOnly)
        {
            return new CopyResult(StoreStatus.NotAllowed, 0, [], [], "mailbox is read-only");
        }

        return await OwnAsync(async () =>
        {
        var (result, targetId, targetModSeq, sourceModSeq) = await _store.TransactAsync(async (connection, transaction) =>
        {
            var ids = await _account.MailboxIdsAsync(connection, transaction, [normalized], cancellationToken).ConfigureAwait(false);
            if (!ids.TryGetValue(normalized, out var targetId))
            {
                return (new CopyResult(StoreStatus.NotFound, 0, [], [], "no such mailbox"), 0L, 0UL, 0UL);
            }

            var locked = await MailboxOperations.LockAsync(connection, transaction, _account.AccountId, [MailboxId, targetId], cancellationToken).ConfigureAwait(false);
            if (!locked.TryGetValue(targetId, out var uidValidity))
            {
                return (new CopyResult(StoreStatus.NotFound, 0, [], [], "no such mailbox"), 0L, 0UL, 0UL);
            }

            if (await MailboxOperations.CopyAsync(connection, transaction, _account.AccountId, MailboxId, uids, targetId, move, _store.Options, cancellationToken).ConfigureAwait(false) is not { } copied)
            {
                return (new CopyResult(StoreStatus.OverQuota, 0, [], [], "quota exceeded"), 0L, 0UL, 0UL);
            }

            return (new CopyResult(StoreStatus.Success, uidValidity, copied.Source, copied.Target), targetId, copied.TargetModSeq, copied.SourceModSeq);
        }, cancellationToken).ConfigureAwait(false);

        if (targetModSeq > 0 && targetId != MailboxId)
        {
            _store.Published(_account.UserId, targetId, targetModSeq);
        }

        return (result, targetId == MailboxId ? targetModSeq : sourceModSeq);
        }, cancellationToken).ConfigureAwait(false);
    }

    public ValueTask<ExpungeResult> ExpungeAsync(UidSet? uids, CancellationToken cancellationToken) => RemoveCoreAsync(uids, onlyDeleted: true, cancellationToken);

    public ValueTask<ExpungeResult> RemoveAsync(UidSet uids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uids);
        return RemoveCoreAsync(uids, onlyDeleted: false, cancellationToken);
    }

    public ValueTask<UidSet?> ExpungedSinceAsync(ulong modSeq, CancellationToken cancellationToken) => PgGuard.RunAsync<UidSet?>(async () =>
    {
        await using var command = _store.DataSource.CreateCommand("SELECT uid FROM mks_expunged WHERE mailbox_id = $1 AND modseq > $2");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = MailboxId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = (long)Math.Min(modSeq, long.MaxValue) });
        var uids = new List<uint>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            uids.Add((uint)reader.GetInt64(0));
        }

        return UidSet.FromUids(uids);
    });

    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _store.Detach(this);
            _changes.Writer.TryComplete();
        }

        return ValueTask.CompletedTask;
    }

    private long Origin(ulong modSeq) => _own.ContainsKey(modSeq) ? ViewId : 0;

    private async ValueTask<ExpungeResult> RemoveCoreAsync(UidSet? uids, bool onlyDeleted, CancellationToken cancellationToken)
    {
        if (IsReadOnly)
        {
            return new ExpungeResult(StoreStatus.NotAllowed, [], 0);
        }

        return await OwnAsync(async () =>
        {
        var (removed, modSeq) = await _store.TransactAsync(async (connection, transaction) =>
        {
            if ((await MailboxOperations.LockAsync(connection, transaction, _account.AccountId, [MailboxId], cancellationToken).ConfigureAwait(false)).Count == 0)
            {
                return (new List<uint>(), 0UL);
            }

            var (removed, modSeq) = await MailboxOperations.RemoveAsync(connection, transaction, _account.AccountId, MailboxId, uids, onlyDeleted, refund: true, cancellationToken).ConfigureAwait(false);
            if (modSeq == 0)
            {
                await using var read = new NpgsqlCommand("SELECT highest_modseq FROM mks_mailboxes WHERE id = $1", connection, transaction);
                read.Parameters.Add(new NpgsqlParameter<long> { TypedValue = MailboxId });
                return (removed, (ulong)(long)(await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!);
            }

            return (removed, modSeq);
        }, cancellationToken).ConfigureAwait(false);

        return (new ExpungeResult(StoreStatus.Success, removed, modSeq), removed.Count > 0 ? modSeq : 0UL);
        }, cancellationToken).ConfigureAwait(false);
    }
}
