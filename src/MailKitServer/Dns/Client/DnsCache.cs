using System.Collections.Concurrent;

namespace MailKitServer.Dns.Client;

/// <summary>Answers kept until their TTL runs out (RFC 1035 §7.4), negative ones as RFC 2308 §5 says; bounded.</summary>
internal sealed class DnsCache(TimeProvider time, int capacity)
{
    private readonly ConcurrentDictionary<(string Name, DnsRecordType Type), (DnsAnswer Answer, DateTimeOffset Expires)> _entries = new();

    public int Count => _entries.Count;

    public bool TryGet(string name, DnsRecordType type, out DnsAnswer answer)
    {
        if (_entries.TryGetValue((name, type), out var entry))
        {
            if (entry.Expires > time.GetUtcNow())
            {
                answer = entry.Answer;
                return true;
            }

            _entries.TryRemove((name, type), out _);
        }

        answer = null!;
        return false;
    }

    public void Add(string name, DnsRecordType type, DnsAnswer answer, TimeSpan lifetime)
    {
        if (lifetime <= TimeSpan.Zero)
        {
            return;
        }

        if (_entries.Count >= capacity)
        {
            var now = time.GetUtcNow();
            foreach (var (key, value) in _entries)
            {
                if (value.Expires <= now || _entries.Count >= capacity / 2)
                {
                    _entries.TryRemove(key, out _);
                }
            }
        }

        _entries[(name, type)] = (answer, time.GetUtcNow() + lifetime);
    }
}
