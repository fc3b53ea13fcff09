using System.Net;

namespace MailKitServer.Runtime;

/// <summary>
/// One authentication attempt admitted by the <see cref="AuthThrottle"/>: it holds a place (an unresolved attempt) on its
/// address and account until <see cref="AuthThrottle.EndTurn"/> says how it went. Ending it twice counts once.
/// </summary>
internal sealed class AuthTurn
{
    private int _ended;

    internal AuthTurn(IPAddress addressKey, string? accountKey)
    {
        AddressKey = addressKey;
        AccountKey = accountKey;
    }

    /// <summary>The address the attempt counts on (an IPv6 /64).</summary>
    internal IPAddress AddressKey { get; }

    /// <summary>The account the attempt counts on, or <see langword="null"/> when no user name was given.</summary>
    internal string? AccountKey { get; }

    /// <summary>Marks the turn ended; <see langword="false"/> when it already was.</summary>
    internal bool TryEnd() => Interlocked.Exchange(ref _ended, 1) == 0;
}
