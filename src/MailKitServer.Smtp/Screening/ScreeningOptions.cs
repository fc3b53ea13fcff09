using MailKitServer.Smtp.Screening.Dnsbl;
using MailKitServer.Smtp.Screening.Greylisting;
using MailKitServer.Smtp.Screening.RateLimits;

namespace MailKitServer.Smtp.Screening;

/// <summary>
/// Screening of SMTP clients before their mail is taken: DNS block and allow lists (RFC 5782) of the client's address,
/// greylisting (RFC 6647) and rate limits. Set <see cref="SmtpOptions.Screening"/> on a listener to turn it on; lookups use the server's <c>IDnsResolver</c>.
/// The lists are asked when the client connects and their verdict is given at RCPT TO, so a client that authenticates
/// first is exempt, and a listed client learns which list named it for each recipient it tries. Then greylisting
/// (not for authenticated or allow-listed clients), then the rate limits. One instance given to several listeners of a
/// server shares one cache, one greylist and one set of counters.
/// </summary>
public sealed class ScreeningOptions
{
    /// <summary>
    /// DNS block lists (DNSBL): a client listed in any of them gets
    /// <c>554 5.7.1 Service unavailable; client [IP] blocked using ZONE</c> for every recipient, unless an allow list
    /// names it or it authenticated.
    /// </summary>
    public IList<DnsListZone> BlockLists { get; } = [];

    /// <summary>DNS allow lists (DNSWL): a client listed in one skips the block lists (and greylisting).</summary>
    public IList<DnsListZone> AllowLists { get; } = [];

    /// <summary>
    /// How long all list lookups of one client may take. A list that has not answered by then, or answered with a
    /// failure (SERVFAIL, REFUSED), counts as not listing the client: a broken list never blocks mail.
    /// </summary>
    public TimeSpan DnsTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a "not listed" answer (NXDOMAIN, no A record) is remembered; the answer carries no TTL of its own here.</summary>
    public TimeSpan NegativeCacheTime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The longest a listing is remembered, whatever the TTL of its answer.</summary>
    public TimeSpan MaxCacheTime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The most list answers remembered; past it, expired ones are dropped first and then all.</summary>
    public int MaxCacheEntries { get; set; } = 100_000;

    /// <summary>Greylisting of unauthenticated clients that no allow list names, or <see langword="null"/> (the default) for none.</summary>
    public GreylistOptions? Greylisting { get; set; }

    /// <summary>Rate limits per client address and per authenticated user, or <see langword="null"/> (the default) for none.</summary>
    public RateLimitOptions? RateLimits { get; set; }

    /// <summary>Returns every problem with these options, each naming the option.</summary>
    /// <param name="prefix">The option path, for the messages.</param>
    /// <returns>The problems.</returns>
    internal IEnumerable<string> Validate(string prefix)
    {
        if (DnsTimeout <= TimeSpan.Zero || NegativeCacheTime < TimeSpan.Zero || MaxCacheTime < TimeSpan.Zero)
        {
            yield return $"{prefix}{nameof(DnsTimeout)} must be positive, {nameof(NegativeCacheTime)} and {nameof(MaxCacheTime)} not negative.";
        }

        if (MaxCacheEntries < 1)
        {
            yield return $"{prefix}{nameof(MaxCacheEntries)} must be at least 1 (was {MaxCacheEntries}).";
        }

        if (BlockLists.Any(z => z is null) || AllowLists.Any(z => z is null))
        {
            yield return $"{prefix}{nameof(BlockLists)} and {nameof(AllowLists)} must not contain null.";
        }

        foreach (var problem in Greylisting?.Validate($"{prefix}{nameof(Greylisting)}.") ?? [])
        {
            yield return problem;
        }

        foreach (var problem in RateLimits?.Validate($"{prefix}{nameof(RateLimits)}.") ?? [])
        {
            yield return problem;
        }
    }
}
