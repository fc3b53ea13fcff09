using System.Globalization;
using System.Net;

namespace MailKitServer.Smtp.Outbound;

/// <summary>A host and port to deliver to, from "host", "host:port" or "[address]:port".</summary>
/// <param name="Host">The host name or address literal (without brackets).</param>
/// <param name="Port">The TCP port.</param>
internal sealed record NextHop(string Host, int Port)
{
    public static bool TryParse(string text, int defaultPort, out NextHop hop)
    {
        hop = null!;
        text = text.Trim();
        var port = defaultPort;
        string host;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                return false;
            }

            host = text[1..close];
            var rest = text[(close + 1)..];
            if (rest.Length > 0 && (!rest.StartsWith(':') || !int.TryParse(rest.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out port)))
            {
                return false;
            }
        }
        else
        {
            var colon = text.LastIndexOf(':');
            if (colon >= 0 && text.IndexOf(':', StringComparison.Ordinal) == colon)
            {
                if (!int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port))
                {
                    return false;
                }

                host = text[..colon];
            }
            else
            {
                host = text;
            }
        }

        if (host.Length == 0 || port is <= 0 or > 65535 || host.Any(char.IsWhiteSpace))
        {
            return false;
        }

        hop = new NextHop(host, port);
        return true;
    }

    public bool IsAddress => IPAddress.TryParse(Host, out _);
}
