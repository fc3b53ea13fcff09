using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace MailKitServer.Dns.Client;

/// <summary>
/// Parses a response and checks it answers the question asked: same ID, QR set, one question with the same name,
/// type and class (RFC 5452 §9.1), so a stray or forged packet is dropped, never cached. Every read is bounds-checked;
/// compression pointers may only point backwards (no loops).
/// </summary>
internal static class DnsResponseParser
{
    public static bool TryParse(ReadOnlySpan<byte> message, ushort id, string name, DnsRecordType type, out DnsResponse response, out string error)
    {
        response = null!;
        error = string.Empty;
        if (message.Length < 12)
        {
            error = "short header";
            return false;
        }

        if (BinaryPrimitives.ReadUInt16BigEndian(message) != id)
        {
            error = "wrong message id";
            return false;
        }

        var flags = BinaryPrimitives.ReadUInt16BigEndian(message[2..]);
        if ((flags & 0x8000) == 0 || ((flags >> 11) & 0xF) != 0)
        {
            error = "not a response to a standard query";
            return false;
        }

        var questions = BinaryPrimitives.ReadUInt16BigEndian(message[4..]);
        var answers = BinaryPrimitives.ReadUInt16BigEndian(message[6..]);
        var authority = BinaryPrimitives.ReadUInt16BigEndian(message[8..]);
        var truncated = (flags & 0x0200) != 0;
        var rcode = flags & 0xF;
        var at = 12;
        if (questions != 1 || !TryReadName(message, ref at, out var qname) || at + 4 > message.Length)
        {
            error = "malformed question";
            return false;
        }

        if (!string.Equals(qname, name.TrimEnd('.'), StringComparison.OrdinalIgnoreCase)
            || BinaryPrimitives.ReadUInt16BigEndian(message[at..]) != (ushort)type
            || BinaryPrimitives.ReadUInt16BigEndian(message[(at + 2)..]) != 1)
        {
            error = "answer for another question";
            return false;
        }

        at += 4;
        var answerRecords = new List<DnsResourceRecord>();
        var authorityRecords = new List<DnsResourceRecord>();
        if (truncated)
        {
            // The sections of a truncated answer may be cut anywhere: only the flag matters (RFC 7766 §5).
            response = new DnsResponse(rcode, true, answerRecords, authorityRecords);
            return true;
        }

        for (var i = 0; i < answers + authority; i++)
        {
            if (!TryReadRecord(message, ref at, out var record))
            {
                error = "malformed resource record";
                return false;
            }

            if (record is not null)
            {
                (i < answers ? answerRecords : authorityRecords).Add(record);
            }
        }

        response = new DnsResponse(rcode, false, answerRecords, authorityRecords);
        return true;
    }

    private static bool TryReadRecord(ReadOnlySpan<byte> message, ref int at, out DnsResourceRecord? record)
    {
        record = null;
        if (!TryReadName(message, ref at, out var owner) || at + 10 > message.Length)
        {
            return false;
        }

        var type = (DnsRecordType)BinaryPrimitives.ReadUInt16BigEndian(message[at..]);
        var @class = BinaryPrimitives.ReadUInt16BigEndian(message[(at + 2)..]);
        var ttlRaw = BinaryPrimitives.ReadUInt32BigEndian(message[(at + 4)..]);
        var length = BinaryPrimitives.ReadUInt16BigEndian(message[(at + 8)..]);
        at += 10;
        var start = at;
        if (start + length > message.Length)
        {
            return false;
        }

        at += length;
        if (@class != 1)
        {
            return true; // not IN: skipped
        }

        var ttl = TimeSpan.FromSeconds(ttlRaw > int.MaxValue ? 0 : ttlRaw);
        var rdata = message.Slice(start, length);
        object? data;
        switch (type)
        {
            case DnsRecordType.A when length == 4:
                data = new IPAddress(rdata);
                break;
            case DnsRecordType.Aaaa when length == 16:
                data = new IPAddress(rdata);
                break;
            case DnsRecordType.A or DnsRecordType.Aaaa:
                return false;
            case DnsRecordType.CName or DnsRecordType.Ptr or DnsRecordType.NS:
                var p = start;
                if (!TryReadName(message, ref p, out var target) || p != start + length)
                {
                    return false;
                }

                data = target;
                break;
            case DnsRecordType.MX:
                var q = start + 2;
                if (length < 3 || !TryReadName(message, ref q, out var exchange) || q != start + length)
                {
                    return false;
                }

                data = new MxRecord(BinaryPrimitives.ReadUInt16BigEndian(rdata), exchange.Length == 0 ? "." : exchange);
                break;
            case DnsRecordType.Txt:
                var text = new StringBuilder();
                for (var t = 0; t < rdata.Length;)
                {
                    var n = rdata[t];
                    if (t + 1 + n > rdata.Length)
                    {
                        return false;
                    }

                    text.Append(Encoding.UTF8.GetString(rdata.Slice(t + 1, n)));
                    t += 1 + n;
                }

                data = text.ToString();
                break;
            case DnsRecordType.Soa:
                var s = start;
                if (!TryReadName(message, ref s, out _) || !TryReadName(message, ref s, out _) || s + 20 != start + length)
                {
                    return false;
                }

                data = TimeSpan.FromSeconds(Math.Min(BinaryPrimitives.ReadUInt32BigEndian(message[(s + 16)..]), int.MaxValue));
                break;
            default:
                data = null;
                break;
        }

        record = new DnsResourceRecord(owner, type, ttl, data);
        return true;
    }

    /// <summary>Reads a possibly compressed name (RFC 1035 §4.1.4); pointers must go backwards, names stay within 255 octets.</summary>
    private static bool TryReadName(ReadOnlySpan<byte> message, ref int at, out string name)
    {
        name = string.Empty;
        var builder = new StringBuilder();
        var position = at;
        var end = -1;
        var octets = 0;
        while (true)
        {
            if (position >= message.Length)
            {
                return false;
            }

            var length = message[position];
            if ((length & 0xC0) == 0xC0)
            {
                if (position + 1 >= message.Length)
                {
                    return false;
                }

                var pointer = ((length & 0x3F) << 8) | message[position + 1];
                if (pointer >= position)
                {
                    return false; // forward or self pointer: could loop
                }

                if (end < 0)
                {
                    end = position + 2;
                }

                position = pointer;
                continue;
            }

            if ((length & 0xC0) != 0)
            {
                return false;
            }

            if (length == 0)
            {
                at = end < 0 ? position + 1 : end;
                name = builder.ToString().ToLowerInvariant();
                return true;
            }

            octets += length + 1;
            if (octets > 255 || position + 1 + length > message.Length)
            {
                return false;
            }

            if (builder.Length > 0)
            {
                builder.Append('.');
            }

            builder.Append(Encoding.Latin1.GetString(message.Slice(position + 1, length)));
            position += 1 + length;
        }
    }
}
