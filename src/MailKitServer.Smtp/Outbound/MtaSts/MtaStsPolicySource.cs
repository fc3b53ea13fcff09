using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using MailKitServer.Dns;
using Microsoft.Extensions.Logging;

namespace MailKitServer.Smtp.Outbound.MtaSts;

/// <summary>
/// Finds a recipient domain's MTA-STS policy (RFC 8461 §5.1): the <c>_mta-sts</c> TXT record says whether one exists
/// and its id; the policy itself comes over HTTPS from <c>https://mta-sts.DOMAIN/.well-known/mta-sts.txt</c> with a
/// certificate valid for that host (§3.3), and is cached for its max_age, refetched when the id changes. When the
/// record or the fetch fails, a cached unexpired policy still applies; without one the domain has none. The policy
/// host's name is resolved through the server's <see cref="IDnsResolver"/>; the body is read up to
/// <see cref="MaxPolicySize"/> octets, within <see cref="OutboundOptions.MtaStsFetchTimeout"/>, and redirects are
/// not followed (§3.3). <see cref="RunRefreshAsync"/> refreshes cached policies in the background before they expire
/// (§5.1 expects senders to), so a policy stays known while its host is unreachable, and drops expired ones.
/// </summary>
internal sealed class MtaStsPolicySource : IDisposable
{
    /// <summary>The largest policy body read (RFC 8461 §3.3 lets senders bound it; real policies are a few lines).</summary>
    public const int MaxPolicySize = 64 * 1024;

    private readonly IDnsResolver _dns;
    private readonly OutboundOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly HttpClient _http;
    private readonly ConcurrentDictionary<string, (string Id, MtaStsPolicy Policy, DateTimeOffset Expires)> _cache = new(StringComparer.OrdinalIgnoreCase);

    public MtaStsPolicySource(IDnsResolver dns, OutboundOptions options, TimeProvider time, ILogger logger)
    {
        _dns = dns;
        _options = options;
        _time = time;
        _logger = logger;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            ConnectTimeout = options.MtaStsFetchTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
            ConnectCallback = ConnectAsync,
            SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = options.TrustedRoots is { } roots ? (_, c, _, e) => CertificateTrust.Validate(c, e, roots) : null },
        };
        _http = new HttpClient(handler) { Timeout = options.MtaStsFetchTimeout, MaxResponseContentBufferSize = MaxPolicySize };
    }

    /// <summary>The policy that applies to a domain now, or <see langword="null"/> when it has none.</summary>
    public async Task<MtaStsPolicy?> GetAsync(string domain, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var cached = _cache.TryGetValue(domain, out var entry) && entry.Expires > now ? entry : ((string Id, MtaStsPolicy Policy, DateTimeOffset Expires)?)null;
        var txt = await _dns.ResolveTxtAsync("_mta-sts." + domain, cancellationToken).ConfigureAwait(false);
        var id = txt.Status == DnsStatus.Success ? MtaStsTxtRecord.FindId(txt.Records.Select(r => r.Value)) : null;
        if (id is null)
        {
            // §5.1: no (valid) record: a cached policy stays in force until it expires.
            return cached?.Policy;
        }

        if (cached is { } c && c.Id == id)
        {
            return c.Policy;
        }

        var (policy, error) = await FetchAsync(domain, cancellationToken).ConfigureAwait(false);
        if (policy is null)
        {
            OutboundLog.MtaStsFetchFailed(_logger, domain, error);
            return cached?.Policy;
        }

        // A max_age of 0 is a policy that applies to this delivery only.
        _cache[domain] = (id, policy, now + policy.MaxAge);
        return policy;
    }

    /// <summary>Every <paramref name="interval"/> of the server's clock, refreshes what <see cref="RefreshAsync"/> says, until stopped.</summary>
    public async Task RunRefreshAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, _time, cancellationToken).ConfigureAwait(false);
                await RefreshAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                OutboundLog.MtaStsFetchFailed(_logger, "(refresh)", ex.Message);
            }
        }
    }

    /// <summary>
    /// Fetches again each cached policy with less than half its max_age left whose domain still has an
    /// <c>_mta-sts</c> record (a failed fetch keeps the cached policy until it expires), and drops expired ones.
    /// </summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        foreach (var (domain, entry) in _cache)
        {
            var now = _time.GetUtcNow();
            if (entry.Expires <= now)
            {
                _cache.TryRemove(KeyValuePair.Create(domain, entry));
                continue;
            }

            if (entry.Expires - now > entry.Policy.MaxAge / 2)
            {
                continue;
            }

            var txt = await _dns.ResolveTxtAsync("_mta-sts." + domain, cancellationToken).ConfigureAwait(false);
            if ((txt.Status == DnsStatus.Success ? MtaStsTxtRecord.FindId(txt.Records.Select(r => r.Value)) : null) is not { } id)
            {
                continue;
            }

            var (policy, error) = await FetchAsync(domain, cancellationToken).ConfigureAwait(false);
            if (policy is null)
            {
                OutboundLog.MtaStsFetchFailed(_logger, domain, error);
                continue;
            }

            _cache[domain] = (id, policy, _time.GetUtcNow() + policy.MaxAge);
        }
    }

    private async Task<(MtaStsPolicy? Policy, string Error)> FetchAsync(string domain, CancellationToken cancellationToken)
    {
        var uri = new UriBuilder("https", "mta-sts." + domain, _options.MtaStsPolicyPort, "/.well-known/mta-sts.txt").Uri;
        try
        {
            using var response = await _http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                // §3.3: only a 200 is a policy; 3xx are not followed.
                return (null, $"{uri} answered {(int)response.StatusCode}");
            }

            if (response.Content.Headers.ContentType is not { MediaType: "text/plain" })
            {
                return (null, $"{uri} is {response.Content.Headers.ContentType?.MediaType ?? "untyped"}, not text/plain");
            }

            if (response.Content.Headers.ContentLength > MaxPolicySize)
            {
                return (null, $"{uri} is {response.Content.Headers.ContentLength} octets, more than {MaxPolicySize}");
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_options.MtaStsFetchTimeout);
            var body = await ReadBoundedAsync(response.Content, timeout.Token).ConfigureAwait(false);
            if (body is null)
            {
                return (null, $"{uri} is more than {MaxPolicySize} octets");
            }

            return MtaStsPolicy.TryParse(body, out var policy, out var error) ? (policy, string.Empty) : (null, $"{uri}: {error}");
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return (null, $"{uri}: {ex.Message}");
        }
    }

    private static async Task<string?> ReadBoundedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var buffer = new byte[MaxPolicySize + 1];
        var length = 0;
        while (length < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            length += read;
        }

        return length > MaxPolicySize ? null : Encoding.UTF8.GetString(buffer, 0, length);
    }

    /// <summary>Connects to the policy host at an address our resolver gives for its name.</summary>
    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var addresses = await _dns.ResolveAddressesAsync(context.DnsEndPoint.Host, cancellationToken).ConfigureAwait(false);
        if (addresses.Status != DnsStatus.Success || addresses.Records.Count == 0)
        {
            throw new HttpRequestException($"{context.DnsEndPoint.Host} has no address ({addresses.Error ?? addresses.Status.ToString()})");
        }

        Exception? last = null;
        foreach (var address in addresses.Records.Select(r => r.Value))
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), cancellationToken).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                last = ex;
            }
        }

        throw new HttpRequestException($"cannot connect to {context.DnsEndPoint.Host}: {last?.Message}", last);
    }

    public void Dispose() => _http.Dispose();
}
