namespace MailKitServer.Smtp.Screening.Greylisting;

/// <summary>
/// Greylisting: the first attempt of a (client network, envelope sender, recipient) triplet gets
/// <c>451 4.7.1</c> and a retry hint; a retry after <see cref="Delay"/> (and within <see cref="RetryWindow"/>) passes,
/// and the triplet then passes at once for <see cref="PassLifetime"/> after its last use. Real MTAs retry; much
/// spamware does not. Clients that authenticated or that a DNS allow list names are not greylisted.
/// </summary>
public sealed class GreylistOptions
{
    /// <summary>How long after its first attempt a triplet's retry is taken (default 5 minutes).</summary>
    public TimeSpan Delay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a first attempt waits for its retry before it is forgotten (default 2 days).</summary>
    public TimeSpan RetryWindow { get; set; } = TimeSpan.FromDays(2);

    /// <summary>How long a triplet that passed keeps passing after its last use (default 35 days).</summary>
    public TimeSpan PassLifetime { get; set; } = TimeSpan.FromDays(35);

    /// <summary>
    /// After this many triplets of one client network have passed, every triplet of that network passes at once (for
    /// <see cref="PassLifetime"/> after the last); 0 turns this off. Default 5.
    /// </summary>
    public int ClientPassesToSkip { get; set; } = 5;

    /// <summary>The prefix length of an IPv4 client's network in the triplet (default 24): MTA farms retry from another address.</summary>
    public int IPv4PrefixLength { get; set; } = 24;

    /// <summary>The prefix length of an IPv6 client's network in the triplet (default 64).</summary>
    public int IPv6PrefixLength { get; set; } = 64;

    /// <summary>
    /// Where the triplets are kept: <see cref="InMemoryGreylistStore"/> (the default; a restart forgets them), a
    /// <see cref="FileGreylistStore"/> beside a Maildir store, or the host's own (e.g. a database table shared by nodes).
    /// </summary>
    public IGreylistStore Store { get; set; } = new InMemoryGreylistStore();

    /// <summary>Returns every problem with these options, each naming the option.</summary>
    /// <param name="prefix">The option path, for the messages.</param>
    /// <returns>The problems.</returns>
    internal IEnumerable<string> Validate(string prefix)
    {
        if (Delay <= TimeSpan.Zero || RetryWindow <= Delay || PassLifetime <= TimeSpan.Zero)
        {
            yield return $"{prefix}{nameof(Delay)} must be positive, {nameof(RetryWindow)} longer than it and {nameof(PassLifetime)} positive.";
        }

        if (ClientPassesToSkip < 0)
        {
            yield return $"{prefix}{nameof(ClientPassesToSkip)} must not be negative (was {ClientPassesToSkip}).";
        }

        if (IPv4PrefixLength is < 8 or > 32 || IPv6PrefixLength is < 16 or > 128)
        {
            yield return $"{prefix}{nameof(IPv4PrefixLength)} must be 8 to 32 and {nameof(IPv6PrefixLength)} 16 to 128.";
        }

        if (Store is null)
        {
            yield return $"{prefix}{nameof(Store)} must be set.";
        }
    }
}
