using System.Net.Sockets;
using Npgsql;

namespace MailKitServer.Storage.PostgreSql.Store;

/// <summary>Turns the database going away into <see cref="StoreUnavailableException"/>, which the engines answer as a temporary failure.</summary>
internal static class PgGuard
{
    /// <summary>Whether an error means the database cannot be reached now (as opposed to a bug or bad data).</summary>
    public static bool IsUnavailable(Exception ex) => ex switch
    {
        // Class 08: connection exception; 57P01-57P03: shutdown, crash, cannot connect now; 53300: too many connections.
        PostgresException pg => pg.SqlState.StartsWith("08", StringComparison.Ordinal) || pg.SqlState is "57P01" or "57P02" or "57P03" or "53300" or "53000",
        NpgsqlException npg => npg.IsTransient || npg.InnerException is SocketException or IOException or TimeoutException || npg.Message.Contains("connection", StringComparison.OrdinalIgnoreCase),
        SocketException or IOException => true,
        InvalidOperationException ioe => ioe.InnerException is not null && IsUnavailable(ioe.InnerException),
        _ => false,
    };

    /// <summary>Runs a database operation, translating unavailability.</summary>
    public static async ValueTask<T> RunAsync<T>(Func<ValueTask<T>> operation)
    {
        try
        {
            return await operation().ConfigureAwait(false);
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            // Idle pooled connections are as dead as the one that failed: drop them, so the first command after the
            // database comes back gets a fresh connection instead of a stale one.
            NpgsqlConnection.ClearAllPools();
            throw new StoreUnavailableException("The mail database is unavailable; try again later.", ex);
        }
    }
}
