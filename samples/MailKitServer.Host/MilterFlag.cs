using System.Globalization;
using System.Net;
using MailKitServer.Smtp.Milter;

namespace MailKitServer.Host;

/// <summary>
/// <c>--milter inet:HOST:PORT[,timeout=30s][,default=tempfail|accept]</c> (Postfix's socket notation; also
/// <c>inet6:[ADDR]:PORT</c> and <c>unix:/path</c>).
/// </summary>
internal static class MilterFlag
{
    public static MilterOptions Parse(string value)
    {
        var parts = value.Split(',', StringSplitOptions.TrimEntries);
        var milter = new MilterOptions(EndPointOf(parts[0]));
        foreach (var part in parts.Skip(1))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            var (key, setting) = eq > 0 ? (part[..eq], part[(eq + 1)..]) : (part, string.Empty);
            switch (key)
            {
                case "timeout":
                    milter.Timeout = Durations.Parse(setting, "--milter timeout");
                    break;
                case "default":
                    milter.DefaultAction = setting switch
                    {
                        "tempfail" => MilterDefaultAction.TempFail,
                        "accept" => MilterDefaultAction.Accept,
                        _ => throw new ArgumentException($"--milter: default must be tempfail or accept (was '{setting}')."),
                    };
                    break;
                default:
                    throw new ArgumentException($"--milter: unknown setting '{part}' (timeout=DURATION or default=tempfail|accept).");
            }
        }

        return milter;
    }

    private static EndPoint EndPointOf(string socket)
    {
        if (socket.StartsWith("unix:", StringComparison.Ordinal) && socket.Length > 5)
        {
            return new System.Net.Sockets.UnixDomainSocketEndPoint(socket[5..]);
        }

        var address = socket.StartsWith("inet:", StringComparison.Ordinal) ? socket[5..] : socket.StartsWith("inet6:", StringComparison.Ordinal) ? socket[6..] : null;
        var colon = address?.LastIndexOf(':') ?? -1;
        if (address is null || colon <= 0 || !int.TryParse(address.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            throw new ArgumentException($"--milter: '{socket}' is not inet:HOST:PORT, inet6:[ADDR]:PORT or unix:/PATH.");
        }

        var host = address[..colon].Trim('[', ']');
        return IPAddress.TryParse(host, out var ip) ? new IPEndPoint(ip, port) : new DnsEndPoint(host, port);
    }
}
