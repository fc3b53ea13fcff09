using System.Collections.Concurrent;
using System.Net;
using MailKitServer.Dns;
using Microsoft.Extensions.Logging;

namespace MailKitServer.Smtp.Screening.Dnsbl;

/// <summary>
/// Asks the configured DNS block and allow lists about a client, all at once and within one time limit, and remembers
/// each list's answer for its TTL (bounded by <see cref="ScreeningOptions.MaxCacheTime"/>) on the server's clock.
/// A list that fails or does not answer in time counts as not listing the client and is not remembered.
/// </summary>
internal sealed class DnsListChecker(IDnsResolver dns, ScreeningOptions options, TimeProvider time, ILogger logger)
{
    private readonly ConcurrentDictionary<string, CachedAnswer> _cache = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Whether any list is configured.</summary>
    public bool IsEnabled => options.AllowLists.Count > 0 || options.BlockLists.Count > 0;

    /// <summary>Asks every list about <paramref name="client"/>; an allow list's listing wins over a block list's. Never throws.</summary>
    public async Task<DnsListVerdict> CheckAsync(IPAddress client, CancellationToken cancellationToken)
    {
        if (!IsEnabled)
        {
            return DnsListVerdict.NotListed;
        }

        client = DnsListName.Normalize(client);
        using var deadline = new CancellationTokenSource(options.DnsTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        var allow = options.AllowLists.Select(z => LookupAsync(z, client, linked.Token)).ToArray();
        var block = options.BlockLists.Select(z => LookupAsync(z, client, linked.Token)).ToArray();
        try
        {
            // A resolver that ignores cancellation is not waited for past the deadline either.
            await Task.WhenAll([.. allow, .. block]).WaitAsync(options.DnsTimeout, time, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            ScreeningLog.ListsTimedOut(logger, client.ToString(), options.DnsTimeout.TotalMilliseconds);
        }

        for (var i = 0; i < allow.Length; i++)
        {
            if (allow[i].IsCompletedSuccessfully && allow[i].Result is { } code)
            {
                return new DnsListVerdict(DnsListOutcome.Allowed, options.AllowLists[i], code);
            }
        }

        for (var i = 0; i < block.Length; i++)
        {
            if (block[i].IsCompletedSuccessfully && block[i].Result is { } code)
            {
                return new DnsListVerdict(DnsListOutcome.Blocked, options.BlockLists[i], code);
            }
        }

        return DnsListVerdict.NotListed;
    }

    /// <summary>The answer of one list that counts as a listing, or <see langword="null"/> when the list does not name the client.</summary>
    private async Task<IPAddress?> LookupAsync(DnsListZone zone, IPAddress client, CancellationToken cancellationToken)
    {
        var name = DnsListName.For(client, zone.Zone);
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(name, out var cached) && cached.Expires > now)
        {
            return cached.Listing;
        }

        DnsResult<IPAddress> result;
        try
        {
            result = await dns.ResolveAddressesAsync(name, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
#pragma warning disable CA1031 // A resolver's fault must not block mail: the list counts as not listing the client.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            ScreeningLog.ListFailed(logger, zone.Zone, name, ex.Message);
            return null;
        }

        switch (result.Status)
        {
            case DnsStatus.Success:
                // RFC 5782 §2.1: the A records are the list's codes; only those the zone's filter names count.
                IPAddress? listing = null;
                var ttl = options.MaxCacheTime;
                foreach (var record in result.Records)
                {
                    ttl = record.TimeToLive < ttl ? record.TimeToLive : ttl;
                    if (listing is null && zone.Matches(record.Value))
                    {
                        listing = record.Value;
                    }
                }

                Remember(name, listing, ttl);
                return listing;
            case DnsStatus.NameNotFound or DnsStatus.NoRecords:
                Remember(name, null, options.NegativeCacheTime < options.MaxCacheTime ? options.NegativeCacheTime : options.MaxCacheTime);
                return null;
            default:
                ScreeningLog.ListFailed(logger, zone.Zone, name, result.Error ?? result.Status.ToString());
                return null;
        }
    }

    private void Remember(string name, IPAddress? listing, TimeSpan ttl)
    {
        if (ttl <= TimeSpan.Zero)
        {
            return;
        }

        var now = time.GetUtcNow();
        if (_cache.Count >= options.MaxCacheEntries)
        {
            foreach (var (key, entry) in _cache)
            {
                if (entry.Expires <= now)
                {
                    _cache.TryRemove(key, out _);
                }
            }

            if (_cache.Count >= options.MaxCacheEntries)
            {
                _cache.Clear();
            }
        }

        _cache[name] = new CachedAnswer(listing, now + ttl);
    }

    private readonly record struct CachedAnswer(IPAddress? Listing, DateTimeOffset Expires);
}
