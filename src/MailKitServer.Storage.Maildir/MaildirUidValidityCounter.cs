using System.Globalization;

namespace MailKitServer.Storage.Maildir;

/// <summary>
/// Hands out one account's UIDVALIDITY values: strictly increasing and persisted, so a mailbox deleted and created
/// again never gets a value it (or any mailbox of the account) had before — RFC 3501 §2.3.1.1 forbids reuse, and
/// clients take a larger value as "start over". Values follow the clock when it is ahead (as Dovecot's do).
/// </summary>
internal sealed class MaildirUidValidityCounter(string accountRoot)
{
    /// <summary>The file in each folder that holds the folder's UIDVALIDITY.</summary>
    public const string FolderFile = "mailkitserver.uidvalidity";
    private const string LastFile = "mailkitserver.uidvalidity.last";
    private const string LockFile = "mailkitserver.uidvalidity.lock";

    /// <summary>How far above the clock the scheme before this one (seconds XOR a 12-bit random) could go.</summary>
    private const uint EarlierSchemeSpread = 4096;

    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>The next value, made durable before it is returned.</summary>
    public async Task<uint> NextAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var fileLock = await MaildirFiles.AcquireLockAsync(Path.Combine(accountRoot, LockFile), cancellationToken).ConfigureAwait(false);
            var now = Now();
            var last = MaildirFiles.ReadNumber(Path.Combine(accountRoot, LastFile)) ?? Seed(now);
            if (last == uint.MaxValue)
            {
                throw new IOException($"The UIDVALIDITY values of {accountRoot} are used up.");
            }

            var next = Math.Max(last + 1, now);
            MaildirFiles.WriteDurably(Path.Combine(accountRoot, LastFile), next.ToString(CultureInfo.InvariantCulture));
            return next;
        }
        finally
        {
            _gate.Release();
        }
    }

    private static uint Now() => (uint)Math.Clamp(DateTimeOffset.UtcNow.ToUnixTimeSeconds(), 1, uint.MaxValue - 1);

    /// <summary>
    /// Where an account made by an earlier version starts: above every value its folders hold, and above what the
    /// earlier scheme could have given a folder deleted since.
    /// </summary>
    private uint Seed(uint now)
    {
        var seed = now + EarlierSchemeSpread;
        foreach (var folder in Directory.EnumerateDirectories(accountRoot, ".*").Append(accountRoot))
        {
            seed = Math.Max(seed, MaildirFiles.ReadNumber(Path.Combine(folder, FolderFile)) ?? 0);
        }

        return seed;
    }
}
