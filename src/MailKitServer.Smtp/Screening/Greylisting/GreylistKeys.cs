using System.Net;
using System.Net.Sockets;
using MailKitServer.Addresses;

namespace MailKitServer.Smtp.Screening.Greylisting;

/// <summary>The keys of greylisting records: a client's network, a triplet, a network's pass count.</summary>
internal static class GreylistKeys
{
    /// <summary>The client's network written as <c>ADDRESS/PREFIX</c> (an IPv4-mapped address as IPv4).</summary>
    public static string Network(IPAddress client, int ipv4Prefix, int ipv6Prefix)
    {
        client = client.IsIPv4MappedToIPv6 ? client.MapToIPv4() : client;
        var prefix = client.AddressFamily == AddressFamily.InterNetwork ? ipv4Prefix : ipv6Prefix;
        var bytes = client.GetAddressBytes();
        for (var bit = prefix; bit < bytes.Length * 8; bit++)
        {
            bytes[bit / 8] &= (byte)~(0x80 >> (bit % 8));
        }

        return $"{new IPAddress(bytes)}/{prefix}";
    }

    /// <summary>The triplet (RFC 6647 §2.2): network, envelope sender (<c>&lt;&gt;</c> for the null sender) and recipient, addresses in lower case.</summary>
    public static string Triplet(string network, MailAddress? sender, MailAddress recipient) =>
        $"T {network} {(sender is null ? "<>" : sender.Address.ToLowerInvariant())} {recipient.Address.ToLowerInvariant()}";

    /// <summary>The record counting a network's triplets that passed.</summary>
    public static string Client(string network) => $"C {network}";
}
