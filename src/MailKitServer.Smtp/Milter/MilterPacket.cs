using System.Buffers.Binary;

namespace MailKitServer.Smtp.Milter;

/// <summary>
/// One milter packet: a four-octet length in network order (counting the command octet), the command octet, the data.
/// </summary>
/// <param name="Command">The command (MTA to filter) or response (filter to MTA) code.</param>
/// <param name="Data">What follows the code.</param>
internal readonly record struct MilterPacket(byte Command, ReadOnlyMemory<byte> Data)
{
    /// <summary>The largest packet read from a filter (a body replacement chunk is at most 65,535 octets in libmilter).</summary>
    public const int MaxLength = 1024 * 1024;

    /// <summary>
    /// Takes one packet from the start of <paramref name="buffer"/> when it is complete.
    /// </summary>
    /// <param name="buffer">What has been read.</param>
    /// <param name="packet">The packet, its data copied out of <paramref name="buffer"/>; default when incomplete.</param>
    /// <param name="consumed">How many octets it took.</param>
    /// <returns>Whether a whole packet was there.</returns>
    /// <exception cref="MilterException">The length is 0 or more than <see cref="MaxLength"/>.</exception>
    public static bool TryParse(ReadOnlySpan<byte> buffer, out MilterPacket packet, out int consumed)
    {
        packet = default;
        consumed = 0;
        if (buffer.Length < 4)
        {
            return false;
        }

        var length = BinaryPrimitives.ReadUInt32BigEndian(buffer);
        if (length is 0 or > MaxLength)
        {
            throw new MilterException($"the filter sent a packet of {length} octets (1 to {MaxLength} allowed)");
        }

        if (buffer.Length < 4 + (int)length)
        {
            return false;
        }

        packet = new MilterPacket(buffer[4], buffer.Slice(5, (int)length - 1).ToArray());
        consumed = 4 + (int)length;
        return true;
    }

    /// <summary>The packet on the wire.</summary>
    public byte[] Encode()
    {
        var bytes = new byte[5 + Data.Length];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, (uint)(Data.Length + 1));
        bytes[4] = Command;
        Data.Span.CopyTo(bytes.AsSpan(5));
        return bytes;
    }
}
