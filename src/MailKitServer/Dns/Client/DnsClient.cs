using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MailKitServer.Dns.Client;

/// <summary>
/// The default <see cref="IDnsResolver"/>: a stub resolver that asks recursive name servers over UDP, falls back to
/// TCP for truncated answers, follows CNAMEs, caches answers for their TTL and failures for the SOA minimum, and
/// drops any packet that does not answer the question it asked.
/// </summary>
public sealed class DnsClient : IDnsResolver
{
    private readonly DnsClientOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly DnsCache _cache;
    private readonly IPEndPoint[] _servers;

    /// <summary>Creates a client.</summary>
    /// <param name="options">The options; without servers, those of /etc/resolv.conf are used.</param>
    /// <param name="timeProvider">The clock for cache lifetimes (network time-outs run on real time).</param>
    /// <param name="logger">Where failures are logged.</param>
    public DnsClient(DnsClientOptions? options = null, TimeProvider? timeProvider = null, ILogger? logger = null)
    {
        _options = options ?? new DnsClientOptions();
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _cache = new DnsCache(_time, _options.MaxCacheEntries);
        if (_options.Servers.Count == 0 && File.Exists("/etc/resolv.conf"))
        {
            ResolvConf.Apply(_options, File.ReadAllText("/etc/resolv.conf"));
        }

        _servers = _options.Servers.Count > 0 ? [.. _options.Servers] : [new IPEndPoint(IPAddress.Loopback, 53)];
    }

    /// <summary>The name servers asked, in order.</summary>
    public IReadOnlyList<IPEndPoint> Servers => _servers;

    /// <inheritdoc />
    public async ValueTask<DnsResult<MxRecord>> ResolveMxAsync(string domain, CancellationToken cancellationToken) =>
        Convert<MxRecord>(await LookupAsync(domain, DnsRecordType.MX, cancellationToken).ConfigureAwait(false));

    /// <inheritdoc />
    public async ValueTask<DnsResult<IPAddress>> ResolveAddressesAsync(string host, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(host.Trim('[', ']'), out var literal))
        {
            return new DnsResult<IPAddress>(DnsStatus.Success, [new DnsRecord<IPAddress>(literal, TimeSpan.MaxValue)]);
        }

        var v4 = LookupAsync(host, DnsRecordType.A, cancellationToken);
        var v6 = LookupAsync(host, DnsRecordType.Aaaa, cancellationToken);
        var a = await v4.ConfigureAwait(false);
        var aaaa = await v6.ConfigureAwait(false);
        if (a.Status == DnsStatus.Success || aaaa.Status == DnsStatus.Success)
        {
            // Both families, IPv6 first as RFC 6724 prefers; either failing alone is not fatal.
            var records = aaaa.Records.Concat(a.Records).Select(r => new DnsRecord<IPAddress>((IPAddress)r.Data!, r.TimeToLive)).ToList();
            return new DnsResult<IPAddress>(DnsStatus.Success, records);
        }

        var worst = a.Status == DnsStatus.TemporaryFailure || aaaa.Status == DnsStatus.TemporaryFailure ? (a.Status == DnsStatus.TemporaryFailure ? a : aaaa)
            : a.Status == DnsStatus.NameNotFound ? a : aaaa;
        return new DnsResult<IPAddress>(worst.Status, []) { Error = worst.Error };
    }

    /// <inheritdoc />
    public async ValueTask<DnsResult<string>> ResolveTxtAsync(string name, CancellationToken cancellationToken) =>
        Convert<string>(await LookupAsync(name, DnsRecordType.Txt, cancellationToken).ConfigureAwait(false));

    /// <inheritdoc />
    public async ValueTask<DnsResult<string>> ResolvePtrAsync(IPAddress address, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        return Convert<string>(await LookupAsync(ReverseName(address), DnsRecordType.Ptr, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>The in-addr.arpa or ip6.arpa name of an address (RFC 1035 §3.5, RFC 3596 §2.5).</summary>
    internal static string ReverseName(IPAddress address)
    {
        var bytes = address.GetAddressBytes();
        if (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
        {
            return string.Join('.', bytes.Reverse()) + ".in-addr.arpa";
        }

        return string.Join('.', bytes.Reverse().SelectMany(b => new[] { "0123456789abcdef"[b & 0xF], "0123456789abcdef"[b >> 4] })) + ".ip6.arpa";
    }

    private static DnsResult<T> Convert<T>(DnsAnswer answer) =>
        answer.Status == DnsStatus.Success
            ? new DnsResult<T>(DnsStatus.Success, answer.Records.Select(r => new DnsRecord<T>((T)r.Data!, r.TimeToLive)).ToList())
            : new DnsResult<T>(answer.Status, []) { Error = answer.Error };

    /// <summary>Looks a name up, following CNAMEs within the answer and with new queries (RFC 1034 §5.3.3).</summary>
    internal async ValueTask<DnsAnswer> LookupAsync(string name, DnsRecordType type, CancellationToken cancellationToken)
    {
        name = name.TrimEnd('.').ToLowerInvariant();
        if (!DnsQuery.IsValidName(name))
        {
            return new DnsAnswer(DnsStatus.NameNotFound, [], $"'{name}' is not a valid domain name");
        }

        if (_options.UseCache && _cache.TryGet(name, type, out var cached))
        {
            return cached;
        }

        var visited = new HashSet<string>(StringComparer.Ordinal) { name };
        var current = name;
        var ttl = _options.MaxCacheTime;
        for (var hop = 0; hop <= _options.MaxCnameChain; hop++)
        {
            var asked = current;
            var (response, error) = await QueryAsync(asked, type, cancellationToken).ConfigureAwait(false);
            if (response is null)
            {
                return new DnsAnswer(DnsStatus.TemporaryFailure, [], error);
            }

            if (response.ResponseCode is not (0 or 3))
            {
                return new DnsAnswer(DnsStatus.TemporaryFailure, [], $"name server answered {RcodeName(response.ResponseCode)} for {asked} {type}");
            }

            // Follow the chain inside this answer.
            while (true)
            {
                var records = response.Answers.Where(r => r.Name == current && r.Type == type && r.Data is not null).ToList();
                if (records.Count > 0)
                {
                    var answer = new DnsAnswer(DnsStatus.Success, records, null);
                    Cache(name, type, answer, Min(ttl, records.Min(r => r.TimeToLive)));
                    return answer;
                }

                var cname = response.Answers.FirstOrDefault(r => r.Name == current && r.Type == DnsRecordType.CName && r.Data is string);
                if (cname is null || type == DnsRecordType.CName)
                {
                    break;
                }

                current = (string)cname.Data!;
                ttl = Min(ttl, cname.TimeToLive);
                if (!visited.Add(current))
                {
                    return new DnsAnswer(DnsStatus.TemporaryFailure, [], $"CNAME loop at {current} looking up {name} {type}");
                }
            }

            if (current != asked && response.ResponseCode == 0)
            {
                // The chain's target had no records in this answer: ask for it.
                continue;
            }

            // NXDOMAIN or NODATA for the end of the chain (RFC 6604); cached for the SOA's negative TTL (RFC 2308 §5).
            var status = response.ResponseCode == 3 ? DnsStatus.NameNotFound : DnsStatus.NoRecords;
            var negative = new DnsAnswer(status, [], status == DnsStatus.NameNotFound ? $"{current}: no such domain (NXDOMAIN)" : $"{current}: no {type} record");
            var soa = response.Authority.FirstOrDefault(r => r.Type == DnsRecordType.Soa && r.Data is TimeSpan);
            if (soa is not null)
            {
                Cache(name, type, negative, Min(Min(soa.TimeToLive, (TimeSpan)soa.Data!), _options.MaxNegativeCacheTime));
            }

            return negative;
        }

        return new DnsAnswer(DnsStatus.TemporaryFailure, [], $"CNAME chain longer than {_options.MaxCnameChain} at {current}");
    }

    private void Cache(string name, DnsRecordType type, DnsAnswer answer, TimeSpan lifetime)
    {
        if (_options.UseCache)
        {
            _cache.Add(name, type, answer, Min(lifetime, _options.MaxCacheTime));
        }
    }

    /// <summary>Asks each server in turn, for the configured number of rounds; SERVFAIL and REFUSED move on to the next server.</summary>
    private async Task<(DnsResponse? Response, string? Error)> QueryAsync(string name, DnsRecordType type, CancellationToken cancellationToken)
    {
        string? lastError = null;
        DnsResponse? lastResponse = null;
        for (var attempt = 0; attempt < Math.Max(1, _options.Attempts); attempt++)
        {
            foreach (var server in _servers)
            {
                var (response, error) = await DnsTransport.ExchangeAsync(server, name, type, _options.Timeout, cancellationToken).ConfigureAwait(false);
                if (response is not null && response.ResponseCode is 0 or 3)
                {
                    return (response, null);
                }

                lastResponse = response ?? lastResponse;
                lastError = error ?? $"{server} answered {RcodeName(response!.ResponseCode)}";
            }
        }

        DnsLog.LookupFailed(_logger, name, type.ToString(), lastError ?? "no answer");
        return (lastResponse, lastError);
    }

    private static string RcodeName(int rcode) => rcode switch
    {
        1 => "FORMERR",
        2 => "SERVFAIL",
        3 => "NXDOMAIN",
        4 => "NOTIMP",
        5 => "REFUSED",
        _ => "RCODE " + rcode,
    };

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
