using System.Net;
using System.Net.Sockets;
using System.Text;

namespace MailKitServer.Smtp.Screening.Dnsbl;

/// <summary>The name a DNS list is asked for an address (RFC 5782 §2.1 and §2.4).</summary>
internal static class DnsListName
{
    private const string Hex = "0123456789abcdef";

    /// <summary>
    /// IPv4: the four octets in reverse order (<c>2.0.0.127.zone</c>); IPv6: the 32 nibbles in reverse order, each a
    /// lower-case hex digit (<c>1.0.0. ... .0.zone</c>). An IPv4-mapped IPv6 address is looked up as the IPv4 address.
    /// </summary>
    public static string For(IPAddress address, string zone)
    {
        address = Normalize(address);
        var bytes = address.GetAddressBytes();
        var sb = new StringBuilder(bytes.Length * 4 + zone.Length);
        for (var i = bytes.Length - 1; i >= 0; i--)
        {
            if (address.AddressFamily == AddressFamily.InterNetwork)
            {
                sb.Append(bytes[i]).Append('.');
            }
            else
            {
                sb.Append(Hex[bytes[i] & 0xF]).Append('.').Append(Hex[bytes[i] >> 4]).Append('.');
            }
        }

        return sb.Append(zone).ToString();
    }

    /// <summary>The address a client is judged by: an IPv4-mapped IPv6 address (a dual-stack listener) as IPv4.</summary>
    public static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
