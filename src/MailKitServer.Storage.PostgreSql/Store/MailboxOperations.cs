using Npgsql;

namespace MailKitServer.Storage.PostgreSql.Store;

/// <summary>
/// Copy, move and expunge inside a caller's transaction. Every writer takes row locks in one order (the account, then
/// mailboxes by id, then their messages), so concurrent sessions on any node never deadlock, and a mailbox's row lock
/// serializes every change to its messages, so MODSEQs commit in ascending order.
/// </summary>
internal static class MailboxOperations
{
    /// <summary>Locks the account row, then the mailboxes' rows in id order; returns each existing mailbox's UIDVALIDITY.</summary>
    public static async Task<Dictionary<long, uint>> LockAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long accountId, long[] mailboxIds, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(PostgresMessageStore.Command("SELECT id FROM mks_accounts WHERE id = $1 FOR UPDATE", accountId));
        batch.BatchCommands.Add(PostgresMessageStore.Command("SELECT id, uid_validity FROM mks_mailboxes WHERE id = ANY($1) AND account_id = $2 ORDER BY id FOR UPDATE", mailboxIds, accountId));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        var found = new Dictionary<long, uint>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            found[reader.GetInt64(0)] = (uint)reader.GetInt64(1);
        }

        return found;
    }

    /// <summary>
    /// Copies (or moves) the messages of <paramref name="sourceId"/> in <paramref name="uids"/> (all when null) to
    /// <paramref name="targetId"/>; the content rows are shared, not copied. Returns the UID pairs, or
    /// <see langword="null"/> when the copies would exceed the quota. The caller holds the locks (<see cref="LockAsync"/>).
    /// </summary>
    public static async Task<(List<uint> Source, List<uint> Target, ulong TargetModSeq, ulong SourceModSeq)?> CopyAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, long accountId, long sourceId, UidSet? uids, long targetId, bool move, PostgresStoreOptions options, CancellationToken cancellationToken)
    {
        var source = new List<uint>();
        long bytes = 0;
        await using (var select = new NpgsqlCommand($"SELECT uid, size FROM mks_messages WHERE mailbox_id = $1 {(uids is null ? string.Empty : "AND " + MessageRows.InSet(2))} ORDER BY uid", connection, transaction))
        {
            select.Parameters.Add(new NpgsqlParameter<long> { TypedValue = sourceId });
            if (uids is not null)
            {
                MessageRows.AddSet(select.Parameters, uids);
            }

            await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                source.Add((uint)reader.GetInt64(0));
                bytes += reader.GetInt64(1);
            }
        }

        if (source.Count == 0)
        {
            return ([], [], 0, 0);
        }

        if (!move || sourceId == targetId)
        {
            await using var charge = StoreCommands.ChargeWithinQuota(connection, transaction, accountId, bytes, source.Count, options);
            if (await charge.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null)
            {
                return null;
            }
        }

        ulong targetModSeq;
        long firstUid;
        await using (var allocate = new NpgsqlCommand("UPDATE mks_mailboxes SET uid_next = uid_next + $2, highest_modseq = highest_modseq + 1 WHERE id = $1 RETURNING uid_next - $2, highest_modseq", connection, transaction))
        {
            allocate.Parameters.Add(new NpgsqlParameter<long> { TypedValue = targetId });
            allocate.Parameters.Add(new NpgsqlParameter<long> { TypedValue = source.Count });
            await using var reader = await allocate.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            firstUid = reader.GetInt64(0);
            targetModSeq = (ulong)reader.GetInt64(1);
        }

        var target = source.Select((_, i) => (uint)(firstUid + i)).ToList();
        await using (var insert = new NpgsqlCommand(
            "INSERT INTO mks_messages (mailbox_id, uid, modseq, content_id, flags, keywords, internal_date, size) " +
            "SELECT $1, d.dst, $2, m.content_id, m.flags, m.keywords, m.internal_date, m.size " +
            "FROM unnest($3::bigint[], $4::bigint[]) AS d(src, dst) JOIN mks_messages m ON m.mailbox_id = $5 AND m.uid = d.src", connection, transaction))
        {
            insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = targetId });
            insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = (long)targetModSeq });
            insert.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = source.Select(u => (long)u).ToArray() });
            insert.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = target.Select(u => (long)u).ToArray() });
            insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = sourceId });
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        ulong sourceModSeq = 0;
        if (move)
        {
            (_, sourceModSeq) = await RemoveAsync(connection, transaction, accountId, sourceId, UidSet.FromUids(source), onlyDeleted: false, refund: false, cancellationToken).ConfigureAwait(false);
        }

        return (source, target, targetModSeq, sourceModSeq);
    }

    /// <summary>
    /// Removes messages (with <paramref name="onlyDeleted"/>, only those carrying \Deleted), records them in the
    /// expunge history under one new MODSEQ, refunds the quota and drops content nothing refers to any more.
    /// The caller holds the locks. Returns the UIDs removed, ascending, and the mailbox's MODSEQ afterwards (0 if none).
    /// </summary>
    public static async Task<(List<uint> Removed, ulong ModSeq)> RemoveAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, long accountId, long mailboxId, UidSet? uids, bool onlyDeleted, bool refund, CancellationToken cancellationToken)
    {
        var conditions = (onlyDeleted ? " AND flags & 8 <> 0" : string.Empty) + (uids is null ? string.Empty : " AND " + MessageRows.InSet(2));
        var removed = new List<uint>();
        var contents = new HashSet<long>();
        long bytes = 0;
        await using (var delete = new NpgsqlCommand($"DELETE FROM mks_messages WHERE mailbox_id = $1{conditions} RETURNING uid, size, content_id", connection, transaction))
        {
            delete.Parameters.Add(new NpgsqlParameter<long> { TypedValue = mailboxId });
            if (uids is not null)
            {
                MessageRows.AddSet(delete.Parameters, uids);
            }

            await using var reader = await delete.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                removed.Add((uint)reader.GetInt64(0));
                bytes += reader.GetInt64(1);
                contents.Add(reader.GetInt64(2));
            }
        }

        if (removed.Count == 0)
        {
            return ([], 0);
        }

        removed.Sort();
        ulong modSeq;
        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            batch.BatchCommands.Add(PostgresMessageStore.Command("UPDATE mks_mailboxes SET highest_modseq = highest_modseq + 1 WHERE id = $1 RETURNING highest_modseq", mailboxId));
            batch.BatchCommands.Add(PostgresMessageStore.Command(
                "INSERT INTO mks_expunged (mailbox_id, uid, modseq) SELECT $1, u, (SELECT highest_modseq FROM mks_mailboxes WHERE id = $1) FROM unnest($2::bigint[]) AS u " +
                "ON CONFLICT (mailbox_id, uid) DO UPDATE SET modseq = excluded.modseq", mailboxId, removed.Select(u => (long)u).ToArray()));
            if (refund)
            {
                batch.BatchCommands.Add(StoreCommands.Charge(accountId, -bytes, -removed.Count));
            }

            await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            modSeq = (ulong)reader.GetInt64(0);
        }

        await ContentWriter.CollectAsync(connection, transaction, contents.ToArray(), cancellationToken).ConfigureAwait(false);
        return (removed, modSeq);
    }
}
