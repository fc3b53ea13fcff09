using System.Collections.Concurrent;
using MailKitServer.Runtime;

namespace MailKitServer.Imap.Session;

/// <summary>
/// Who has seen which messages first, for the \Recent flag (RFC 3501 §2.3.2): per mailbox (user, name,
/// UIDVALIDITY) the highest UID a read-write session has been told about. A message is recent in exactly the one
/// session that claims it first. The state lives with the running server (as Dovecot's lives in its index),
/// so after a restart the first session to select a mailbox sees its messages as recent again.
/// </summary>
internal sealed class RecentTracker
{
    private readonly ConcurrentDictionary<string, uint> _claimed = new(StringComparer.Ordinal);

    /// <summary>The tracker of one running server (all its IMAP listeners share it).</summary>
    public static RecentTracker For(MailServerContext context) => context.Shared<RecentTracker>();

    public static string Key(string userId, string mailbox, uint uidValidity) => $"{userId}\0{mailbox}\0{uidValidity}";

    /// <summary>The highest UID some session has claimed.</summary>
    public uint Claimed(string key) => _claimed.GetValueOrDefault(key);

    /// <summary>Claims every UID up to <paramref name="upTo"/>; returns the highest UID claimed before, so (previous, upTo] are this caller's.</summary>
    public uint Claim(string key, uint upTo)
    {
        while (true)
        {
            if (!_claimed.TryGetValue(key, out var previous))
            {
                if (_claimed.TryAdd(key, upTo))
                {
                    return 0;
                }

                continue;
            }

            if (previous >= upTo || _claimed.TryUpdate(key, upTo, previous))
            {
                return previous;
            }
        }
    }
}
