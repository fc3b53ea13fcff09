using System.Collections.Concurrent;

namespace MailKitServer.Pop3.Session;

/// <summary>Remembers each user's last POP3 login, for RFC 2449 LOGIN-DELAY; one per server, shared by its POP3 listeners.</summary>
internal sealed class LoginDelayTracker
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _last = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The tracker of a server.</summary>
    public static LoginDelayTracker For(Runtime.MailServerContext context) => context.Shared<LoginDelayTracker>();

    /// <summary>Records a login unless the previous one was less than <paramref name="delay"/> ago.</summary>
    public bool TryLogin(string userId, TimeSpan? delay, DateTimeOffset now)
    {
        if (delay is { } d && _last.TryGetValue(userId, out var previous) && now - previous < d)
        {
            return false;
        }

        _last[userId] = now;
        return true;
    }
}
