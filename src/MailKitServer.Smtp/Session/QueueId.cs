using System.Globalization;
using System.Security.Cryptography;

namespace MailKitServer.Smtp.Session;

/// <summary>
/// The id a message is known by in the log, the "250 ... queued as" reply and the milter macro "i": 12 hex digits,
/// 20 random bits drawn once per process and a 28-bit count, so two messages of one process never share one (the
/// count wraps after 268 million). It needs to be unique, not unguessable: a cryptographic random number per message
/// cost a system call on every one (OpenSSL checks the process id for a fork).
/// </summary>
internal static class QueueId
{
    private static readonly long Prefix = (long)(BitConverter.ToUInt32(RandomNumberGenerator.GetBytes(4)) & 0xF_FFFF) << 28;

    private static long _count;

    /// <summary>A new id.</summary>
    public static string Next() => (Prefix | (Interlocked.Increment(ref _count) & 0xFFF_FFFF)).ToString("X12", CultureInfo.InvariantCulture);
}
