using Npgsql;
using NpgsqlTypes;

namespace MailKitServer.Storage.PostgreSql.Store;

/// <summary>The SQL shapes the store shares: a message's columns and UID sets as parameters.</summary>
internal static class MessageRows
{
    /// <summary>The columns <see cref="Read"/> expects, in order.</summary>
    public const string Columns = "uid, flags, keywords, internal_date, size, modseq";

    /// <summary>Matches rows whose <c>uid</c> is in the ranges given as two bigint[] parameters.</summary>
    public static string InSet(int firstParameter) =>
        $"EXISTS (SELECT 1 FROM unnest(${firstParameter}::bigint[], ${firstParameter + 1}::bigint[]) AS r(f, l) WHERE uid BETWEEN r.f AND r.l)";

    /// <summary>Adds a UID set as the two parameters <see cref="InSet"/> reads.</summary>
    public static void AddSet(NpgsqlParameterCollection parameters, UidSet uids)
    {
        parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, Value = uids.Ranges.Select(r => (long)r.First).ToArray() });
        parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, Value = uids.Ranges.Select(r => (long)r.Last).ToArray() });
    }

    /// <summary>Reads a message from the current row, starting at column <paramref name="at"/>.</summary>
    public static MessageInfo Read(NpgsqlDataReader reader, int at = 0) => new(
        (uint)reader.GetInt64(at),
        (SystemFlags)reader.GetInt16(at + 1),
        reader.GetFieldValue<string[]>(at + 2),
        new DateTimeOffset(reader.GetDateTime(at + 3), TimeSpan.Zero),
        reader.GetInt64(at + 4),
        (ulong)reader.GetInt64(at + 5));

    /// <summary>A timestamp as PostgreSQL takes it (UTC).</summary>
    public static DateTime Utc(DateTimeOffset date) => date.UtcDateTime;

    /// <summary>Keywords without duplicates (case-insensitive), as every store keeps them.</summary>
    public static string[] Keywords(IEnumerable<string> keywords) => keywords.Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
}
