using System.Collections.Concurrent;
using System.Net;

namespace MailKitServer.Dns;

/// <summary>
/// A resolver that answers from records given in code: for tests and for hosts whose routing is fixed.
/// Names it has no record of are reported as not existing.
/// </summary>
public sealed class StaticDnsResolver : IDnsResolver
{
    private static readonly TimeSpan Ttl = TimeSpan.FromMinutes(5);
    private readonly ConcurrentDictionary<string, List<MxRecord>> _mx = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, List<IPAddress>> _addresses = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, List<string>> _txt = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<IPAddress, List<string>> _ptr = new();

    /// <summary>Adds an MX record.</summary>
    /// <param name="domain">The domain, matched without regard to case; a call per record, all kept in the order added.</param>
    /// <param name="preference">Lower is tried first (RFC 5321 §5.1).</param>
    /// <param name="exchange">The exchanger's host name; "." (alone, for the domain) is a null MX (RFC 7505).</param>
    /// <returns>This resolver.</returns>
    public StaticDnsResolver AddMx(string domain, ushort preference, string exchange)
    {
        Add(_mx, domain, new MxRecord(preference, exchange));
        return this;
    }

    /// <summary>Adds an A or AAAA record.</summary>
    /// <param name="host">The host name, matched without regard to case; a call per address, all kept.</param>
    /// <param name="address">An IPv4 (A) or IPv6 (AAAA) address, answered in the order added.</param>
    /// <returns>This resolver.</returns>
    public StaticDnsResolver AddAddress(string host, IPAddress address)
    {
        Add(_addresses, host, address);
        return this;
    }

    /// <summary>Adds a TXT record.</summary>
    /// <param name="name">The owner name (<c>example.com</c>, <c>_dmarc.example.com</c>), matched without regard to case.</param>
    /// <param name="text">The record's strings already joined, as <see cref="IDnsResolver.ResolveTxtAsync"/> answers them.</param>
    /// <returns>This resolver.</returns>
    public StaticDnsResolver AddTxt(string name, string text)
    {
        Add(_txt, name, text);
        return this;
    }

    /// <summary>Adds a PTR record.</summary>
    /// <param name="address">The address looked up in reverse.</param>
    /// <param name="host">The name it points to; a call per name, all kept.</param>
    /// <returns>This resolver.</returns>
    public StaticDnsResolver AddPtr(IPAddress address, string host)
    {
        Add(_ptr, address, host);
        return this;
    }

    /// <inheritdoc />
    public ValueTask<DnsResult<MxRecord>> ResolveMxAsync(string domain, CancellationToken cancellationToken) => Answer(_mx, domain);

    /// <inheritdoc />
    public ValueTask<DnsResult<IPAddress>> ResolveAddressesAsync(string host, CancellationToken cancellationToken) => Answer(_addresses, host);

    /// <inheritdoc />
    public ValueTask<DnsResult<string>> ResolveTxtAsync(string name, CancellationToken cancellationToken) => Answer(_txt, name);

    /// <inheritdoc />
    public ValueTask<DnsResult<string>> ResolvePtrAsync(IPAddress address, CancellationToken cancellationToken) => Answer(_ptr, address);

    private static void Add<TKey, T>(ConcurrentDictionary<TKey, List<T>> table, TKey key, T value)
        where TKey : notnull
    {
        var list = table.GetOrAdd(key, _ => []);
        lock (list)
        {
            list.Add(value);
        }
    }

    private ValueTask<DnsResult<T>> Answer<TKey, T>(ConcurrentDictionary<TKey, List<T>> table, TKey key)
        where TKey : notnull
    {
        if (table.TryGetValue(key, out var list))
        {
            lock (list)
            {
                return ValueTask.FromResult(new DnsResult<T>(DnsStatus.Success, list.Select(v => new DnsRecord<T>(v, Ttl)).ToArray()));
            }
        }

        var exists = key is string name && (_mx.ContainsKey(name) || _addresses.ContainsKey(name) || _txt.ContainsKey(name));
        return ValueTask.FromResult(exists ? DnsResult<T>.NoRecords : DnsResult<T>.NameNotFound);
    }
}
