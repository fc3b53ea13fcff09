using Npgsql;

namespace MailKitServer.Storage.PostgreSql.Store;

/// <summary>One session's handle on an account of the <see cref="PostgresMessageStore"/>.</summary>
internal sealed class PostgresAccount(PostgresMessageStore store, string userId, long accountId) : IMailAccount
{
    /// <summary>The first key of POP3 maildrop advisory locks ("MKSP"); the second is the account id.</summary>
    private const int MaildropLockKey = 0x4D4B5350;
    private MaildropLock? _maildrop;

    public string UserId { get; } = userId;

    internal long AccountId => accountId;

    public ValueTask<IReadOnlyList<MailboxInfo>> ListAsync(CancellationToken cancellationToken) => PgGuard.RunAsync<IReadOnlyList<MailboxInfo>>(async () =>
    {
        await using var command = store.DataSource.CreateCommand(
            "SELECT m.name, m.role, EXISTS (SELECT 1 FROM mks_subscriptions s WHERE s.account_id = m.account_id AND s.name = m.name) FROM mks_mailboxes m WHERE m.account_id = $1");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = accountId });
        var rows = new List<(string Name, MailboxRole Role, bool Subscribed)>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add((reader.GetString(0), (MailboxRole)reader.GetInt16(1), reader.GetBoolean(2)));
            }
        }

        var names = rows.Select(r => r.Name).ToList();
        return rows.OrderBy(r => r.Name == MailboxName.Inbox ? 0 : 1).ThenBy(r => r.Name, StringComparer.Ordinal)
            .Select(r => new MailboxInfo(r.Name, r.Role, r.Subscribed, names.Exists(n => n.StartsWith(r.Name + MailboxName.Separator, StringComparison.Ordinal))))
            .ToList();
    });

    public ValueTask<MailboxResult> CreateAsync(string name, MailboxRole role, CancellationToken cancellationToken)
    {
        if (!MailboxName.TryNormalize(name, out var normalized))
        {
            return ValueTask.FromResult(new MailboxResult(StoreStatus.InvalidName, "invalid mailbox name"));
        }

        return store.TransactAsync(async (connection, transaction) =>
        {
            await MailboxOperations.LockAsync(connection, transaction, accountId, [], cancellationToken).ConfigureAwait(false);
            await using (var check = new NpgsqlCommand("SELECT bool_or(name = $2), bool_or(role = $3 AND $3 <> 0) FROM mks_mailboxes WHERE account_id = $1", connection, transaction))
            {
                check.Parameters.Add(new NpgsqlParameter<long> { TypedValue = accountId });
                check.Parameters.Add(new NpgsqlParameter<string> { TypedValue = normalized });
                check.Parameters.Add(new NpgsqlParameter<short> { TypedValue = (short)role });
                await using var reader = await check.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                if (!reader.IsDBNull(0) && reader.GetBoolean(0))
                {
                    return new MailboxResult(StoreStatus.AlreadyExists, "mailbox already exists");
                }

                if (!reader.IsDBNull(1) && reader.GetBoolean(1))
                {
                    return new MailboxResult(StoreStatus.NotAllowed, $"a mailbox with role {role} already exists");
                }
            }

            // Missing parents are created too, so the hierarchy stays navigable.
            var levels = normalized.Split(MailboxName.Separator);
            await using var batch = new NpgsqlBatch(connection, transaction);
            for (var i = 1; i <= levels.Length; i++)
            {
                batch.BatchCommands.Add(PostgresMessageStore.Command(
                    "INSERT INTO mks_mailboxes (account_id, name, role, uid_validity) VALUES ($1, $2, $3, $4) ON CONFLICT (account_id, name) DO NOTHING",
                    accountId, string.Join(MailboxName.Separator, levels[..i]), (short)(i == levels.Length ? role : MailboxRole.None), (long)PostgresMessageStore.NewUidValidity()));
            }

            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return MailboxResult.Ok;
        }, cancellationToken);
    }

    public ValueTask<MailboxResult> RenameAsync(string from, string to, CancellationToken cancellationToken)
    {
        if (!MailboxName.TryNormalize(from, out var source) || !MailboxName.TryNormalize(to, out var target))
        {
            return ValueTask.FromResult(new MailboxResult(StoreStatus.InvalidName, "invalid mailbox name"));
        }

        return Publishing(store.TransactAsync<(MailboxResult, List<(long, ulong)>)>(async (connection, transaction) =>
        {
            await MailboxOperations.LockAsync(connection, transaction, accountId, [], cancellationToken).ConfigureAwait(false);
            var ids = await MailboxIdsAsync(connection, transaction, [source, target], cancellationToken).ConfigureAwait(false);
            if (!ids.TryGetValue(source, out var sourceId))
            {
                return (new MailboxResult(StoreStatus.NotFound, "no such mailbox"), []);
            }

            if (ids.ContainsKey(target))
            {
                return (new MailboxResult(StoreStatus.AlreadyExists, "target mailbox already exists"), []);
            }

            if (target.StartsWith(source + MailboxName.Separator, StringComparison.Ordinal))
            {
                return (new MailboxResult(StoreStatus.NotAllowed, "cannot rename a mailbox below itself"), []);
            }

            if (source == MailboxName.Inbox)
            {
                // RFC 3501 §6.3.5: renaming INBOX moves its messages to the new name; INBOX stays, empty.
                await using (var create = new NpgsqlCommand("INSERT INTO mks_mailboxes (account_id, name, uid_validity) VALUES ($1, $2, $3) RETURNING id", connection, transaction))
                {
                    create.Parameters.Add(new NpgsqlParameter<long> { TypedValue = accountId });
                    create.Parameters.Add(new NpgsqlParameter<string> { TypedValue = target });
                    create.Parameters.Add(new NpgsqlParameter<long> { TypedValue = PostgresMessageStore.NewUidValidity() });
                    var targetId = (long)(await create.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
                    await MailboxOperations.LockAsync(connection, transaction, accountId, [sourceId, targetId], cancellationToken).ConfigureAwait(false);
                    var moved = await MailboxOperations.CopyAsync(connection, transaction, accountId, sourceId, null, targetId, move: true, store.Options, cancellationToken).ConfigureAwait(false);
                    return (MailboxResult.Ok, [(sourceId, moved!.Value.SourceModSeq)]);
                }
            }

            var changed = new List<(long, ulong)>();
            await using (var rename = new NpgsqlCommand(
                "UPDATE mks_mailboxes SET name = $3 || substr(name, length($2) + 1) WHERE account_id = $1 AND (name = $2 OR left(name, length($2) + 1) = $2 || '/') RETURNING id", connection, transaction))
            {
                rename.Parameters.Add(new NpgsqlParameter<long> { TypedValue = accountId });
                rename.Parameters.Add(new NpgsqlParameter<string> { TypedValue = source });
                rename.Parameters.Add(new NpgsqlParameter<string> { TypedValue = target });
                await using var reader = await rename.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    changed.Add((reader.GetInt64(0), ulong.MaxValue));
                }
            }

            await using (var subscriptions = new NpgsqlCommand(
                "UPDATE mks_subscriptions SET name = $3 || substr(name, length($2) + 1) WHERE account_id = $1 AND (name = $2 OR left(name, length($2) + 1) = $2 || '/')", connection, transaction))
            {
                subscriptions.Parameters.Add(new NpgsqlParameter<long> { TypedValue = accountId });
                subscriptions.Parameters.Add(new NpgsqlParameter<string> { TypedValue = source });
                subscriptions.Parameters.Add(new NpgsqlParameter<string> { TypedValue = target });
                await subscriptions.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            return (MailboxResult.Ok, changed);
        }, cancellationToken));
    }

    public ValueTask<MailboxResult> DeleteAsync(string name, CancellationToken cancellationToken)
    {
        if (!MailboxName.TryNormalize(name, out var normalized))
        {
            return ValueTask.FromResult(new MailboxResult(StoreStatus.InvalidName, "invalid mailbox name"));
        }

        if (normalized == MailboxName.Inbox)
        {
            return ValueTask.FromResult(new MailboxResult(StoreStatus.NotAllowed, "INBOX cannot be deleted"));
        }

        return Publishing(store.TransactAsync<(MailboxResult, List<(long, ulong)>)>(async (connection, transaction) =>
        {
            var ids = await MailboxIdsAsync(connection, transaction, [normalized], cancellationToken).ConfigureAwait(false);
            if (!ids.TryGetValue(normalized, out var id) || (await MailboxOperations.LockAsync(connection, transaction, accountId, [id], cancellationToken).ConfigureAwait(false)).Count == 0)
            {
                return (new MailboxResult(StoreStatus.NotFound, "no such mailbox"), []);
            }

            // Remove the messages the usual way (quota refunded, content collected), then the mailbox.
            await MailboxOperations.RemoveAsync(connection, transaction, accountId, id, null, onlyDeleted: false, refund: true, cancellationToken).ConfigureAwait(false);
            await using var delete = new NpgsqlCommand("DELETE FROM mks_mailboxes WHERE id = $1", connection, transaction);
            delete.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id });
            await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return (MailboxResult.Ok, [(id, ulong.MaxValue)]);
        }, cancellationToken));
    }

    public ValueTask<MailboxResult> SetSubscribedAsync(string name, bool subscribed, CancellationToken cancellationToken)
    {
        if (!MailboxName.TryNormalize(name, out var normalized))
        {
            return ValueTask.FromResult(new MailboxResult(StoreStatus.InvalidName, "invalid mailbox name"));
        }

        return PgGuard.RunAsync(async () =>
        {
            await using var command = store.DataSource.CreateCommand(subscribed
                ? "INSERT INTO mks_subscriptions (account_id, name) VALUES ($1, $2) ON CONFLICT DO NOTHING"
                : "DELETE FROM mks_subscriptions WHERE account_id = $1 AND name = $2");
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = accountId });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = normalized });
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return MailboxResult.Ok;
        });
    }

    // RFC 9051 §6.3.9 (LSUB, LIST (SUBSCRIBED)): a subscription outlives its mailbox, which IMAP then shows with
    // \NonExistent; the subscription rows are kept apart from the mailboxes for that reason.
    public ValueTask<IReadOnlyList<string>> ListSubscriptionsAsync(CancellationToken cancellationToken) => PgGuard.RunAsync<IReadOnlyList<string>>(async () =>
    {
        await using var command = store.DataSource.CreateCommand("SELECT name FROM mks_subscriptions WHERE account_id = $1");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = accountId });
        var names = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            names.Add(reader.GetString(0));
        }

        names.Sort(StringComparer.Ordinal);
        return names;
    });

    public ValueTask<MailboxStatus?> GetStatusAsync(string name, CancellationToken cancellationToken)
    {
        if (!MailboxName.TryNormalize(name, out var normalized))
        {
            return ValueTask.FromResult<MailboxStatus?>(null);
        }

        return PgGuard.RunAsync(async () =>
        {
            await using var connection = await store.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            return await ReadStatusAsync(connection, null, accountId, normalized, cancellationToken).ConfigureAwait(false) is { } s ? s.Status : null;
        });
    }

    public ValueTask<IMailboxView?> OpenAsync(string name, bool readOnly, CancellationToken cancellationToken)
    {
        if (!MailboxName.TryNormalize(name, out var normalized))
        {
            return ValueTask.FromResult<IMailboxView?>(null);
        }

        return PgGuard.RunAsync<IMailboxView?>(async () => await PostgresMailboxView.OpenAsync(store, this, normalized, readOnly, cancellationToken).ConfigureAwait(false));
    }

    public ValueTask<AppendResult> AppendAsync(string name, Stream content, SystemFlags flags, IReadOnlyCollection<string> keywords, DateTimeOffset? internalDate, CancellationToken cancellationToken)
    {
        if (!MailboxName.TryNormalize(name, out var normalized))
        {
            return ValueTask.FromResult(new AppendResult(StoreStatus.InvalidName, Message: "invalid mailbox name"));
        }

        return Appended(AppendCoreAsync(normalized, content, flags, keywords, internalDate, cancellationToken));
    }

    public ValueTask<IAsyncDisposable?> TryLockMaildropAsync(CancellationToken cancellationToken) => PgGuard.RunAsync<IAsyncDisposable?>(async () =>
    {
        // A session-level advisory lock on a connection of its own: every node sees it, and it goes away with the
        // connection if this node dies (RFC 1939 §8: one POP3 session per maildrop).
        var connection = await store.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock($1, $2)", connection);
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = MaildropLockKey });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = unchecked((int)accountId) });
        if (!(bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            return null;
        }

        _maildrop = new MaildropLock(connection);
        return _maildrop;
    });

    public ValueTask DisposeAsync() => _maildrop?.DisposeAsync() ?? ValueTask.CompletedTask;

    /// <summary>Appends to a mailbox (not INBOX in its place); returns the outcome, the mailbox id and the new MODSEQ (0 when nothing was stored). The caller publishes.</summary>
    internal async Task<(AppendResult Result, long MailboxId, ulong ModSeq)> AppendCoreAsync(string mailbox, Stream content, SystemFlags flags, IReadOnlyCollection<string> keywords, DateTimeOffset? internalDate, CancellationToken cancellationToken) => await PgGuard.RunAsync<(AppendResult, long, ulong)>(async () =>
    {
        long mailboxId;
        uint uid;
        ulong modSeq;
        uint uidValidity;
        await using (var connection = await store.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            var ids = await MailboxIdsAsync(connection, transaction, [mailbox], cancellationToken).ConfigureAwait(false);
            if (!ids.ContainsKey(mailbox))
            {
                return (new AppendResult(StoreStatus.NotFound, Message: "no such mailbox"), 0, 0);
            }

            if (await ContentWriter.WriteAsync(connection, transaction, content, store.Options.ChunkSize, store.Options.MaxMessageSize, cancellationToken).ConfigureAwait(false) is not { } stored)
            {
                return (new AppendResult(StoreStatus.OverQuota, Message: "message too large"), 0, 0);
            }

            await using var batch = new NpgsqlBatch(connection, transaction);
            batch.BatchCommands.Add(StoreCommands.Deliver(accountId, mailbox, stored.Id, stored.Size, flags, MessageRows.Keywords(keywords), internalDate ?? DateTimeOffset.UtcNow, store.Options, fallbackToInbox: false));
            batch.BatchCommands.Add(PostgresMessageStore.Command("SELECT uid_validity FROM mks_mailboxes WHERE account_id = $1 AND name = $2", accountId, mailbox));
            await using (var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    return (new AppendResult(StoreStatus.OverQuota, Message: "quota exceeded"), 0, 0);
                }

                (mailboxId, uid, modSeq) = (reader.GetInt64(0), (uint)reader.GetInt64(1), (ulong)reader.GetInt64(2));
                await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
                await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                uidValidity = (uint)reader.GetInt64(0);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        return (new AppendResult(StoreStatus.Success, uidValidity, uid), mailboxId, modSeq);
    }).ConfigureAwait(false);

    private async ValueTask<AppendResult> Appended(Task<(AppendResult Result, long MailboxId, ulong ModSeq)> append)
    {
        var (result, mailboxId, modSeq) = await append.ConfigureAwait(false);
        if (modSeq > 0)
        {
            store.Published(UserId, mailboxId, modSeq);
        }

        return result;
    }

    /// <summary>The ids of those of <paramref name="names"/> that exist.</summary>
    internal async Task<Dictionary<string, long>> MailboxIdsAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string[] names, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT name, id FROM mks_mailboxes WHERE account_id = $1 AND name = ANY($2)", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = accountId });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = names });
        var ids = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            ids[reader.GetString(0)] = reader.GetInt64(1);
        }

        return ids;
    }

    /// <summary>A mailbox's id and counters, or <see langword="null"/> when it does not exist.</summary>
    internal static async Task<(long Id, MailboxStatus Status)?> ReadStatusAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, long accountId, string name, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT b.id, b.uid_validity, b.uid_next, b.highest_modseq, s.n, s.unseen, s.bytes, s.deleted FROM mks_mailboxes b, LATERAL " +
            "(SELECT count(*) AS n, count(*) FILTER (WHERE flags & 1 = 0) AS unseen, coalesce(sum(size), 0)::bigint AS bytes, count(*) FILTER (WHERE flags & 8 <> 0) AS deleted " +
            "FROM mks_messages m WHERE m.mailbox_id = b.id) s WHERE b.account_id = $1 AND b.name = $2", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = accountId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return (reader.GetInt64(0), new MailboxStatus(name, (int)reader.GetInt64(4), (int)reader.GetInt64(5), (uint)reader.GetInt64(1), (uint)reader.GetInt64(2), (ulong)reader.GetInt64(3), reader.GetInt64(6), (int)reader.GetInt64(7)));
    }

    private async ValueTask<MailboxResult> Publishing(ValueTask<(MailboxResult Result, List<(long Id, ulong ModSeq)> Changed)> operation)
    {
        var (result, changed) = await operation.ConfigureAwait(false);
        foreach (var (id, modSeq) in changed)
        {
            store.Published(UserId, id, modSeq);
        }

        return result;
    }

    private sealed class MaildropLock(NpgsqlConnection connection) : IAsyncDisposable
    {
        private int _released;

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                // Closing the connection ends the session and with it the advisory lock (the pool resets it with DISCARD ALL).
                try
                {
                    await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock_all()", connection);
                    await unlock.ExecuteNonQueryAsync().ConfigureAwait(false);
                }
                catch (Exception ex) when (PgGuard.IsUnavailable(ex))
                {
                    // The connection is gone, and the lock with it.
                }

                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
