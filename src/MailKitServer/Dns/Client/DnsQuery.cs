using System.Buffers.Binary;
using System.Text;

namespace MailKitServer.Dns.Client;

/// <summary>Builds a query message (RFC 1035 §4.1) with an EDNS(0) OPT record (RFC 6891) offering 1232-octet UDP answers.</summary>
internal static class DnsQuery
{
    /// <summary>The UDP payload size offered (the DNS flag day 2020 value, RFC 9715 discusses it).</summary>
    public const ushort UdpPayloadSize = 1232;

    public static byte[] Build(ushort id, string name, DnsRecordType type)
    {
        var labels = EncodeName(name);
        var message = new byte[12 + labels.Length + 4 + 11];
        BinaryPrimitives.WriteUInt16BigEndian(message, id);
        message[2] = 0x01; // RD: recursion desired
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(4), 1); // QDCOUNT
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(10), 1); // ARCOUNT: the OPT record
        labels.CopyTo(message, 12);
        var at = 12 + labels.Length;
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(at), (ushort)type);
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(at + 2), 1); // IN
        at += 4;
        message[at] = 0; // root name
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(at + 1), (ushort)DnsRecordType.Opt);
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(at + 3), UdpPayloadSize);
        return message; // extended RCODE, version, flags and RDLENGTH stay 0
    }

    /// <summary>Whether a name can be asked: labels of 1-63 octets, 255 in all (RFC 1035 §2.3.4), ASCII only (IDNs arrive as A-labels).</summary>
    public static bool IsValidName(string name)
    {
        var trimmed = name.TrimEnd('.');
        if (trimmed.Length == 0 || trimmed.Length > 253)
        {
            return false;
        }

        foreach (var label in trimmed.Split('.'))
        {
            if (label.Length is 0 or > 63 || label.Any(c => c <= ' ' || c > '~'))
            {
                return false;
            }
        }

        return true;
    }

    private static byte[] EncodeName(string name)
    {
        if (!IsValidName(name))
        {
            throw new ArgumentException($"'{name}' is not a valid DNS name.", nameof(name));
        }

        var output = new List<byte>(name.Length + 2);
        foreach (var label in name.TrimEnd('.').Split('.'))
        {
            output.Add((byte)label.Length);
            output.AddRange(Encoding.ASCII.GetBytes(label));
        }

        output.Add(0);
        return [.. output];
    }
}
