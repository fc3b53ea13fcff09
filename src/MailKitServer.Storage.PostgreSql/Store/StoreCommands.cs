using Npgsql;
using NpgsqlTypes;

namespace MailKitServer.Storage.PostgreSql.Store;

/// <summary>The statements that store a message into a mailbox and charge its owner's quota, in one round trip.</summary>
internal static class StoreCommands
{
    /// <summary>
    /// The quota an account is held to: its own, else its user's in the directory, else the store's default.
    /// <c>$q</c> stands for the parameter holding the default.
    /// </summary>
    private static string Limit(string column, string defaultParameter) =>
        $"coalesce(mks_accounts.{column}, (SELECT u.{column} FROM mks_users u WHERE u.user_id = mks_accounts.user_id), {defaultParameter}::bigint)";

    /// <summary>
    /// Stores one message (its content already written) into a mailbox: charges the account's quota (no row when it
    /// would be exceeded), takes the next UID and MODSEQ from the mailbox's counter row (locked until COMMIT, so UIDs
    /// appear in ascending order) and returns <c>mailbox_id, uid, modseq</c>. With <paramref name="fallbackToInbox"/>
    /// a missing mailbox means INBOX (delivery); otherwise no row comes back for it.
    /// </summary>
    public static NpgsqlBatchCommand Deliver(long accountId, string mailbox, long contentId, long size, SystemFlags flags, string[] keywords, DateTimeOffset internalDate, PostgresStoreOptions options, bool fallbackToInbox = true)
    {
        var command = new NpgsqlBatchCommand(
            "WITH a AS (UPDATE mks_accounts SET used_bytes = used_bytes + $4, used_messages = used_messages + 1 WHERE id = $1 " +
            $"AND ({Limit("quota_bytes", "$6")} IS NULL OR used_bytes + $4 <= {Limit("quota_bytes", "$6")}) " +
            $"AND ({Limit("quota_messages", "$7")} IS NULL OR used_messages + 1 <= {Limit("quota_messages", "$7")}) RETURNING id), " +
            "mb AS (UPDATE mks_mailboxes SET uid_next = uid_next + 1, highest_modseq = highest_modseq + 1 " +
            "WHERE id = (SELECT id FROM mks_mailboxes WHERE account_id = $1 AND name IN ($2, $10) ORDER BY name = $2 DESC LIMIT 1) AND EXISTS (SELECT 1 FROM a) " +
            "RETURNING id, uid_next - 1 AS uid, highest_modseq) " +
            "INSERT INTO mks_messages (mailbox_id, uid, modseq, content_id, flags, keywords, internal_date, size) " +
            "SELECT id, uid, highest_modseq, $3, $8, $9, $5, $4 FROM mb RETURNING mailbox_id, uid, modseq");
        var p = command.Parameters;
        p.Add(new NpgsqlParameter<long> { TypedValue = accountId });
        p.Add(new NpgsqlParameter<string> { TypedValue = mailbox });
        p.Add(new NpgsqlParameter<long> { TypedValue = contentId });
        p.Add(new NpgsqlParameter<long> { TypedValue = size });
        p.Add(new NpgsqlParameter<DateTime> { TypedValue = MessageRows.Utc(internalDate) });
        p.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint, Value = (object?)options.QuotaBytes ?? DBNull.Value });
        p.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint, Value = (object?)options.QuotaMessages ?? DBNull.Value });
        p.Add(new NpgsqlParameter<short> { TypedValue = (short)flags });
        p.Add(new NpgsqlParameter<string[]> { TypedValue = keywords });
        p.Add(new NpgsqlParameter<string> { TypedValue = fallbackToInbox ? MailboxName.Inbox : mailbox });
        return command;
    }

    /// <summary>Charges (or with negative values refunds) an account's usage without a quota check.</summary>
    public static NpgsqlBatchCommand Charge(long accountId, long bytes, long messages) =>
        PostgresMessageStore.Command("UPDATE mks_accounts SET used_bytes = used_bytes + $2, used_messages = used_messages + $3 WHERE id = $1", accountId, bytes, messages);

    /// <summary>Checks that adding <paramref name="bytes"/> and <paramref name="messages"/> stays within the account's quota, and charges it if so (one row when it fits).</summary>
    public static NpgsqlCommand ChargeWithinQuota(NpgsqlConnection connection, NpgsqlTransaction transaction, long accountId, long bytes, long messages, PostgresStoreOptions options)
    {
        var command = new NpgsqlCommand(
            "UPDATE mks_accounts SET used_bytes = used_bytes + $2, used_messages = used_messages + $3 WHERE id = $1 " +
            $"AND ({Limit("quota_bytes", "$4")} IS NULL OR used_bytes + $2 <= {Limit("quota_bytes", "$4")}) " +
            $"AND ({Limit("quota_messages", "$5")} IS NULL OR used_messages + $3 <= {Limit("quota_messages", "$5")}) RETURNING id", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = accountId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = bytes });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = messages });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint, Value = (object?)options.QuotaBytes ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint, Value = (object?)options.QuotaMessages ?? DBNull.Value });
        return command;
    }
}
