namespace MailKitServer.Smtp.Screening.RateLimits;

/// <summary>
/// Rate limits on what one client address (an IPv6 client by its /64) or one authenticated user may send: messages
/// (counted at each accepted MAIL FROM, as Postfix's anvil counts them) and recipients (at each accepted RCPT TO) per
/// period, and recipients per message. A session that authenticated is counted as its user, others as their address.
/// Counters live in this server's memory: nodes of a cluster share nothing, so each node allows the full rate and a
/// restart forgets them.
/// </summary>
public sealed class RateLimitOptions
{
    /// <summary>Messages an unauthenticated client address may send per period; <see langword="null"/> for no limit.</summary>
    public RateLimit? MessagesPerClient { get; set; }

    /// <summary>Recipients an unauthenticated client address may name per period; <see langword="null"/> for no limit.</summary>
    public RateLimit? RecipientsPerClient { get; set; }

    /// <summary>Messages an authenticated user may send per period; <see langword="null"/> for no limit.</summary>
    public RateLimit? MessagesPerUser { get; set; }

    /// <summary>Recipients an authenticated user may name per period; <see langword="null"/> for no limit.</summary>
    public RateLimit? RecipientsPerUser { get; set; }

    /// <summary>
    /// Recipients one message may have, client or user (<c>452 4.5.3</c> for more, RFC 5321 §4.5.3.1.10, and the client
    /// sends the rest in another transaction); <see langword="null"/> for the listener's <c>MaxRecipients</c> only.
    /// </summary>
    public int? RecipientsPerMessage { get; set; }

    /// <summary>The most clients and users tracked at once; past it, those whose counts have run out are forgotten first.</summary>
    public int MaxTracked { get; set; } = 100_000;

    /// <summary>Returns every problem with these options, each naming the option.</summary>
    /// <param name="prefix">The option path, for the messages.</param>
    /// <returns>The problems.</returns>
    internal IEnumerable<string> Validate(string prefix)
    {
        if (RecipientsPerMessage is < 1)
        {
            yield return $"{prefix}{nameof(RecipientsPerMessage)} must be at least 1 (was {RecipientsPerMessage}).";
        }

        if (MaxTracked < 1)
        {
            yield return $"{prefix}{nameof(MaxTracked)} must be at least 1 (was {MaxTracked}).";
        }
    }
}
