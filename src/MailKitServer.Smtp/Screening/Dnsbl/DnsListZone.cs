using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace MailKitServer.Smtp.Screening.Dnsbl;

/// <summary>
/// One DNS block or allow list (RFC 5782): the zone under which a client's reversed address is looked up, and which
/// answers (A records in 127.0.0.0/8, RFC 5782 §2.1) count as a listing. Written <c>ZONE</c> or <c>ZONE=CODES</c>,
/// where CODES is a comma-separated list of addresses (<c>127.0.0.2</c>), ranges of the last octet
/// (<c>127.0.0.4-7</c>) or of whole addresses (<c>127.0.0.4-127.0.0.7</c>), and bit masks (<c>&amp;4</c> or
/// <c>&amp;0.0.0.4</c>: some bit of the mask is set in the answer). Without CODES any answer in 127.0.0.0/8 counts except
/// 127.0.0.1 (no list answers it for a listing) and 127.255.255.0/24 (what lists such as Spamhaus answer when they
/// refuse a query). Answers outside 127.0.0.0/8 never count: they are a wildcard or a hijacking resolver, not a list.
/// </summary>
public sealed class DnsListZone
{
    private const uint Loopback = 0x7F00_0000;
    private readonly (uint Low, uint High)[] _ranges;
    private readonly uint[] _masks;

    /// <summary>Creates a list from its zone and codes.</summary>
    /// <param name="zone">The zone, such as <c>zen.spamhaus.org</c>.</param>
    /// <param name="codes">The answers that count, as described on the type; <see langword="null"/> or empty for the default.</param>
    /// <exception cref="FormatException">The zone is not a domain name or a code is not written as described.</exception>
    public DnsListZone(string zone, string? codes = null)
    {
        ArgumentNullException.ThrowIfNull(zone);
        zone = zone.Trim().TrimEnd('.');
        if (zone.Length is 0 or > 200 || zone.Split('.').Any(l => l.Length is 0 or > 63 || l.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))))
        {
            throw new FormatException($"'{zone}' is not a DNS list zone (a domain name of at most 200 characters).");
        }

        Zone = zone;
        Codes = string.IsNullOrWhiteSpace(codes) ? null : codes.Trim();
        var ranges = new List<(uint, uint)>();
        var masks = new List<uint>();
        foreach (var item in (Codes ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (item.StartsWith('&'))
            {
                var mask = item[1..];
                masks.Add(uint.TryParse(mask, NumberStyles.None, CultureInfo.InvariantCulture, out var m) && m != 0 ? m : ParseAddress(mask, item));
                continue;
            }

            var dash = item.IndexOf('-', StringComparison.Ordinal);
            if (dash < 0)
            {
                var single = ParseAddress(item, item);
                ranges.Add((single, single));
                continue;
            }

            var low = ParseAddress(item[..dash], item);
            var upper = item[(dash + 1)..];
            var high = byte.TryParse(upper, NumberStyles.None, CultureInfo.InvariantCulture, out var lastOctet) ? (low & 0xFFFF_FF00) | lastOctet : ParseAddress(upper, item);
            ranges.Add(high >= low ? (low, high) : throw new FormatException($"'{item}' is an empty range."));
        }

        _ranges = [.. ranges];
        _masks = [.. masks];
    }

    /// <summary>The zone.</summary>
    public string Zone { get; }

    /// <summary>The answers that count as written, or <see langword="null"/> for the default.</summary>
    public string? Codes { get; }

    /// <summary>Parses <c>ZONE</c> or <c>ZONE=CODES</c>.</summary>
    /// <returns>The list.</returns>
    /// <exception cref="FormatException">The text is not written as described on the type.</exception>
    public static DnsListZone Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var eq = text.IndexOf('=', StringComparison.Ordinal);
        return eq < 0 ? new DnsListZone(text) : new DnsListZone(text[..eq], text[(eq + 1)..] is { Length: > 0 } codes ? codes : throw new FormatException($"'{text}' has no codes after '='."));
    }

    /// <summary>Whether an answer of this list counts as a listing.</summary>
    /// <param name="answer">An address from the list's A records.</param>
    /// <returns><see langword="true"/> when it does.</returns>
    internal bool Matches(IPAddress answer)
    {
        if (answer.AddressFamily != AddressFamily.InterNetwork)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[4];
        answer.TryWriteBytes(bytes, out _);
        var value = BinaryPrimitives.ReadUInt32BigEndian(bytes);
        if ((value & 0xFF00_0000) != Loopback)
        {
            return false;
        }

        if (_ranges.Length == 0 && _masks.Length == 0)
        {
            return value != 0x7F00_0001 && (value & 0xFFFF_FF00) != 0x7FFF_FF00;
        }

        foreach (var (low, high) in _ranges)
        {
            if (value >= low && value <= high)
            {
                return true;
            }
        }

        foreach (var mask in _masks)
        {
            // The first octet is always 127: a mask tests the bits of the other three.
            if ((value & mask & 0x00FF_FFFF) != 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <inheritdoc />
    public override string ToString() => Codes is null ? Zone : $"{Zone}={Codes}";

    private static uint ParseAddress(string text, string item) =>
        IPAddress.TryParse(text, out var address) && address.AddressFamily == AddressFamily.InterNetwork && text.Count(c => c == '.') == 3
            ? BinaryPrimitives.ReadUInt32BigEndian(address.GetAddressBytes())
            : throw new FormatException($"'{item}' is not an IPv4 address, a range or a &mask of DNS list answers.");
}
