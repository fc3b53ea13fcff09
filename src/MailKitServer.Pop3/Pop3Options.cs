namespace MailKitServer.Pop3;

/// <summary>Options of one POP3 listener.</summary>
public sealed class Pop3Options
{
    /// <summary>The longest command line, counting CRLF (RFC 2449 §4 asks 255 at least); SASL responses may be longer.</summary>
    public int MaxLineLength { get; set; } = 1024;

    /// <summary>The longest SASL response line.</summary>
    public int MaxSaslLineLength { get; set; } = 16 * 1024;

    /// <summary>How many bad commands a session may send before it is closed.</summary>
    public int MaxErrors { get; set; } = 10;

    /// <summary>
    /// The inactivity autologout timer (RFC 1939 §3: at least 10 minutes), also the longest one command line may take
    /// from its first octet to its end (a client sending a byte a minute is logged out all the same).
    /// </summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Whether STLS (RFC 2595) is offered on plain connections.</summary>
    public bool EnableStls { get; set; } = true;

    /// <summary>The minimum time between logins of one user (RFC 2449 LOGIN-DELAY); <see langword="null"/> for none.</summary>
    public TimeSpan? LoginDelay { get; set; }

    /// <summary>The EXPIRE capability value (RFC 2449 §6.7): NEVER, or days.</summary>
    public string Expire { get; set; } = "NEVER";

    /// <summary>Returns every problem with these options, each naming the option.</summary>
    /// <param name="listener">The listener name.</param>
    /// <returns>The problems.</returns>
    public IEnumerable<string> Validate(string listener)
    {
        var prefix = $"Pop3[{listener}].";
        if (MaxLineLength < 255)
        {
            yield return $"{prefix}{nameof(MaxLineLength)} must be at least 255, as RFC 2449 §4 requires (was {MaxLineLength}).";
        }

        if (MaxSaslLineLength < MaxLineLength)
        {
            yield return $"{prefix}{nameof(MaxSaslLineLength)} must be at least {nameof(MaxLineLength)}.";
        }

        if (MaxErrors < 1)
        {
            yield return $"{prefix}{nameof(MaxErrors)} must be at least 1 (was {MaxErrors}).";
        }

        if (IdleTimeout < TimeSpan.FromMinutes(10))
        {
            yield return $"{prefix}{nameof(IdleTimeout)} must be at least 10 minutes, as RFC 1939 §3 requires (was {IdleTimeout}).";
        }

        if (LoginDelay is { } d && d < TimeSpan.Zero)
        {
            yield return $"{prefix}{nameof(LoginDelay)} must not be negative.";
        }

        if (Expire != "NEVER" && !int.TryParse(Expire, out _))
        {
            yield return $"{prefix}{nameof(Expire)} must be NEVER or a number of days (was '{Expire}').";
        }
    }
}
