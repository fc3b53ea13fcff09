using System.Net;
using DnsClient;
using DnsClient.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MailKitServer.Dns;

/// <summary>
/// The default <see cref="IDnsResolver"/>, on DnsClient.NET's <see cref="LookupClient"/>: asks the configured (or the
/// system's) recursive name servers over UDP with TCP fallback, caches answers for their TTL, and keeps the three
/// ways a lookup can fail apart — NXDOMAIN (<see cref="DnsStatus.NameNotFound"/>), NODATA
/// (<see cref="DnsStatus.NoRecords"/>) and no usable answer (<see cref="DnsStatus.TemporaryFailure"/>: time-out,
/// SERVFAIL, REFUSED) — because mail routing treats them differently (RFC 5321 §5.1).
/// </summary>
public sealed class DnsClientResolver : IDnsResolver
{
    private readonly LookupClient _client;
    private readonly DnsResolverOptions _options;
    private readonly ILogger _logger;

    /// <summary>Creates a resolver.</summary>
    /// <param name="options">The servers and limits; <see langword="null"/> for the system's servers and the defaults.</param>
    /// <param name="logger">Where failed lookups are logged.</param>
    public DnsClientResolver(DnsResolverOptions? options = null, ILogger? logger = null)
    {
        _options = options ?? new DnsResolverOptions();
        _logger = logger ?? NullLogger.Instance;
        var servers = _options.Servers.Count > 0
            ? _options.Servers.Select(s => new NameServer(s)).ToArray()
            : SystemServers();
        Servers = servers.Select(s => new IPEndPoint(IPAddress.Parse(s.Address), s.Port)).ToList();
        _client = new LookupClient(new LookupClientOptions(servers)
        {
            Timeout = _options.Timeout,
            Retries = Math.Max(0, _options.Attempts - 1),
            UseCache = _options.UseCache,
            MaximumCacheTimeout = _options.MaxCacheTime,
            CacheFailedResults = _options.UseCache,
            FailedResultsCacheDuration = _options.MaxNegativeCacheTime,
            UseTcpFallback = true,
            ContinueOnDnsError = true,
            ContinueOnEmptyResponse = false,
            ThrowDnsErrors = false,
            UseRandomNameServer = false,

            // EDNS with the DO bit, so a validating resolver reports validated answers with the AD bit (RFC 6840 §5.8).
            RequestDnsSecRecords = _options.RequestDnssec,
        });
    }

    /// <summary>The name servers asked, in order.</summary>
    public IReadOnlyList<IPEndPoint> Servers { get; }

    /// <inheritdoc />
    public async ValueTask<DnsResult<MxRecord>> ResolveMxAsync(string domain, CancellationToken cancellationToken) =>
        await LookupAsync(domain, QueryType.MX, r => r is DnsClient.Protocol.MxRecord mx ? new MxRecord(mx.Preference, mx.Exchange.Value.TrimEnd('.') is { Length: > 0 } host ? host : ".") : null, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async ValueTask<DnsResult<IPAddress>> ResolveAddressesAsync(string host, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(host);
        if (IPAddress.TryParse(host.Trim('[', ']'), out var literal))
        {
            return new DnsResult<IPAddress>(DnsStatus.Success, [new DnsRecord<IPAddress>(literal, TimeSpan.MaxValue)]);
        }

        var v4 = LookupAsync(host, QueryType.A, r => (r as ARecord)?.Address, cancellationToken);
        var v6 = LookupAsync(host, QueryType.AAAA, r => (r as AaaaRecord)?.Address, cancellationToken);
        var a = await v4.ConfigureAwait(false);
        var aaaa = await v6.ConfigureAwait(false);
        if (a.Status == DnsStatus.Success || aaaa.Status == DnsStatus.Success)
        {
            // Both families, IPv6 first as RFC 6724 prefers; either failing alone is not fatal. Validated (RFC 7672
            // §2.2.2: DANE needs the addresses' answers validated too) when every answer that gave addresses was.
            return new DnsResult<IPAddress>(DnsStatus.Success, [.. aaaa.Records, .. a.Records])
            {
                Authenticated = (a.Status != DnsStatus.Success || a.Authenticated) && (aaaa.Status != DnsStatus.Success || aaaa.Authenticated),
            };
        }

        var worst = a.Status == DnsStatus.TemporaryFailure ? a
            : aaaa.Status == DnsStatus.TemporaryFailure ? aaaa
            : a.Status == DnsStatus.NameNotFound ? a : aaaa;
        return new DnsResult<IPAddress>(worst.Status, []) { Error = worst.Error };
    }

    /// <inheritdoc />
    public async ValueTask<DnsResult<string>> ResolveTxtAsync(string name, CancellationToken cancellationToken) =>
        await LookupAsync(name, QueryType.TXT, r => r is TxtRecord txt ? string.Concat(txt.Text) : null, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async ValueTask<DnsResult<string>> ResolvePtrAsync(IPAddress address, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        return await LookupAsync(address.GetArpaName(), QueryType.PTR, r => (r as PtrRecord)?.PtrDomainName.Value.TrimEnd('.'), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<DnsResult<TlsaRecord>> ResolveTlsaAsync(string name, CancellationToken cancellationToken) =>
        await LookupAsync(name, QueryType.TLSA, r => r is DnsClient.Protocol.TlsaRecord t ? new TlsaRecord((byte)t.CertificateUsage, (byte)t.Selector, (byte)t.MatchingType, t.CertificateAssociationData.ToArray()) : null, cancellationToken).ConfigureAwait(false);

    /// <summary>The system's name servers (resolv.conf on Linux), never a public fallback; 127.0.0.1:53 when there are none.</summary>
    private static NameServer[] SystemServers()
    {
        try
        {
            var found = NameServer.ResolveNameServers(skipIPv6SiteLocal: true, fallbackToGooglePublicDns: false);
            if (found.Count > 0)
            {
                return [.. found];
            }
        }
        catch (InvalidOperationException)
        {
            // No usable configuration: the loopback resolver below.
        }

        return [new NameServer(IPAddress.Loopback, 53)];
    }

    /// <summary>Looks a name up, following a CNAME chain the answer does not complete with new queries (RFC 1034 §5.3.3).</summary>
    private async ValueTask<DnsResult<T>> LookupAsync<T>(string name, QueryType type, Func<DnsResourceRecord, T?> select, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        var current = name.TrimEnd('.');
        var visited = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { current };
        var authenticated = true;
        for (var hop = 0; hop <= _options.MaxCnameChain; hop++)
        {
            IDnsQueryResponse response;
            try
            {
                response = await _client.QueryAsync(current, type, QueryClass.IN, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is DnsResponseException or DnsXidMismatchException or DnsResponseParseException or System.Net.Sockets.SocketException or IOException)
            {
                // No usable answer (time-out, a reply that does not match the query, a broken packet): try again later.
                return Failed<T>(name, type, DnsStatus.TemporaryFailure, $"{current} {type}: {ex.Message}");
            }
            catch (ArgumentException ex)
            {
                return Failed<T>(name, type, DnsStatus.NameNotFound, $"'{current}' is not a valid domain name ({ex.Message})");
            }

            if (response.Header.ResponseCode == DnsHeaderResponseCode.NotExistentDomain)
            {
                return new DnsResult<T>(DnsStatus.NameNotFound, []) { Error = $"{current}: no such domain (NXDOMAIN)" };
            }

            if (response.HasError)
            {
                return Failed<T>(name, type, DnsStatus.TemporaryFailure, $"{current} {type}: {response.ErrorMessage}");
            }

            // RFC 4035 §3.2.3: the AD bit says the resolver validated the answer; a chain is as good as its weakest hop.
            authenticated &= response.Header.IsAuthenticData;
            var records = new List<DnsRecord<T>>();
            foreach (var record in response.Answers)
            {
                if (record.RecordType == (ResourceRecordType)type && select(record) is { } value)
                {
                    records.Add(new DnsRecord<T>(value, TimeSpan.FromSeconds(record.TimeToLive)));
                }
            }

            if (records.Count > 0)
            {
                return new DnsResult<T>(DnsStatus.Success, records) { Authenticated = authenticated };
            }

            var cname = response.Answers.CnameRecords().LastOrDefault()?.CanonicalName.Value.TrimEnd('.');
            if (cname is null || type == QueryType.CNAME)
            {
                return new DnsResult<T>(DnsStatus.NoRecords, []) { Error = $"{current}: no {type} record", Authenticated = authenticated };
            }

            if (!visited.Add(cname))
            {
                return Failed<T>(name, type, DnsStatus.TemporaryFailure, $"CNAME loop at {cname} looking up {name} {type}");
            }

            current = cname;
        }

        return Failed<T>(name, type, DnsStatus.TemporaryFailure, $"CNAME chain longer than {_options.MaxCnameChain} at {current}");
    }

    private DnsResult<T> Failed<T>(string name, QueryType type, DnsStatus status, string error)
    {
        DnsLog.LookupFailed(_logger, name, type.ToString(), error);
        return new DnsResult<T>(status, []) { Error = error };
    }
}
