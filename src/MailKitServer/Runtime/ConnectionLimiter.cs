using System.Net;

namespace MailKitServer.Runtime;

/// <summary>Counts open connections, in all and per client address, and refuses those over the limits.</summary>
internal sealed class ConnectionLimiter(int maxConnections, int maxPerAddress)
{
    private readonly Dictionary<IPAddress, int> _perAddress = [];
    private int _total;

    public int Total => Volatile.Read(ref _total);

    public ConnectionRejection? TryAcquire(IPAddress address)
    {
        lock (_perAddress)
        {
            if (_total >= maxConnections)
            {
                return ConnectionRejection.TooManyConnections;
            }

            _perAddress.TryGetValue(address, out var n);
            if (n >= maxPerAddress)
            {
                return ConnectionRejection.TooManyFromAddress;
            }

            _perAddress[address] = n + 1;
            _total++;
            return null;
        }
    }

    public void Release(IPAddress address)
    {
        lock (_perAddress)
        {
            if (_perAddress.TryGetValue(address, out var n))
            {
                if (n <= 1)
                {
                    _perAddress.Remove(address);
                }
                else
                {
                    _perAddress[address] = n - 1;
                }

                _total--;
            }
        }
    }
}
