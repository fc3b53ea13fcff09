using System.Net;

namespace MailKitServer.Smtp.SenderAuth.Spf;

/// <summary>Prefix matching of addresses of the same family.</summary>
internal static class IpNetwork
{
    /// <summary>Whether <paramref name="address"/> is in <paramref name="network"/>/<paramref name="prefix"/>; false across families.</summary>
    public static bool Contains(IPAddress network, int prefix, IPAddress address)
    {
        if (network.AddressFamily != address.AddressFamily)
        {
            return false;
        }

        Span<byte> a = stackalloc byte[16];
        Span<byte> b = stackalloc byte[16];
        network.TryWriteBytes(a, out var length);
        address.TryWriteBytes(b, out _);
        var bits = Math.Min(prefix, length * 8);
        var whole = bits / 8;
        if (!a[..whole].SequenceEqual(b[..whole]))
        {
            return false;
        }

        var rest = bits % 8;
        if (rest == 0)
        {
            return true;
        }

        var mask = (byte)(0xFF << (8 - rest));
        return (a[whole] & mask) == (b[whole] & mask);
    }
}
