using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using MailKitServer.Dns;

namespace MailKitServer.Smtp.Tests.SenderAuth;

/// <summary>
/// A DNS zone in memory for the sender authentication tests: TXT, A/AAAA, MX and PTR records, names that time out
/// (SERVFAIL or no answer) and names that never answer until the lookup is cancelled. Counts the queries it answers.
/// </summary>
internal sealed class ZoneResolver : IDnsResolver
{
    private static readonly TimeSpan Ttl = TimeSpan.FromMinutes(5);
    private readonly ConcurrentDictionary<string, List<(string Type, object Value)>> _names = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, byte> _timeouts = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, byte> _hangs = new(StringComparer.OrdinalIgnoreCase);
    private int _queries;

    public int Queries => _queries;

    public ZoneResolver Txt(string name, string text) => Add(name, "TXT", text);

    public ZoneResolver A(string name, string address) => Add(name, "A", IPAddress.Parse(address));

    public ZoneResolver Mx(string name, ushort preference, string exchange) => Add(name, "MX", new MxRecord(preference, exchange));

    public ZoneResolver Ptr(string address, string name) => Add(IPAddress.Parse(address).GetArpaName(), "PTR", name);

    /// <summary>Every lookup of this name fails temporarily (a time-out).</summary>
    public ZoneResolver TimeOut(string name)
    {
        _timeouts[name] = 0;
        return this;
    }

    /// <summary>Every lookup of this name waits until it is cancelled.</summary>
    public ZoneResolver Hang(string name)
    {
        _hangs[name] = 0;
        return this;
    }

    public ValueTask<DnsResult<MxRecord>> ResolveMxAsync(string domain, CancellationToken cancellationToken) => LookupAsync<MxRecord>(domain, "MX", cancellationToken);

    public async ValueTask<DnsResult<IPAddress>> ResolveAddressesAsync(string host, CancellationToken cancellationToken)
    {
        var a = await LookupAsync<IPAddress>(host, "A", cancellationToken);
        return a;
    }

    public ValueTask<DnsResult<string>> ResolveTxtAsync(string name, CancellationToken cancellationToken) => LookupAsync<string>(name, "TXT", cancellationToken);

    public ValueTask<DnsResult<string>> ResolvePtrAsync(IPAddress address, CancellationToken cancellationToken) => LookupAsync<string>(address.GetArpaName(), "PTR", cancellationToken);

    private ZoneResolver Add(string name, string type, object value)
    {
        var list = _names.GetOrAdd(name.TrimEnd('.'), _ => []);
        lock (list)
        {
            list.Add((type, value));
        }

        return this;
    }

    private async ValueTask<DnsResult<T>> LookupAsync<T>(string name, string type, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _queries);
        name = name.TrimEnd('.');
        if (_hangs.ContainsKey(name))
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        if (_timeouts.ContainsKey(name))
        {
            return DnsResult<T>.TemporaryFailure with { Error = $"{name} {type}: timed out" };
        }

        if (!_names.TryGetValue(name, out var list))
        {
            return DnsResult<T>.NameNotFound;
        }

        lock (list)
        {
            var records = list.Where(r => r.Type == type).Select(r => new DnsRecord<T>((T)r.Value, Ttl)).ToList();
            return records.Count > 0 ? new DnsResult<T>(DnsStatus.Success, records) : DnsResult<T>.NoRecords;
        }
    }
}

internal static class ArpaNames
{
    /// <summary>The reverse-lookup name of an address (in-addr.arpa or ip6.arpa).</summary>
    public static string GetArpaName(this IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetwork
            ? string.Join('.', address.GetAddressBytes().Reverse()) + ".in-addr.arpa"
            : string.Join('.', address.GetAddressBytes().SelectMany(b => new[] { b >> 4, b & 15 }).Reverse().Select(n => n.ToString("x", System.Globalization.CultureInfo.InvariantCulture))) + ".ip6.arpa";
}
