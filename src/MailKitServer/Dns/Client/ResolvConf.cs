using System.Globalization;
using System.Net;

namespace MailKitServer.Dns.Client;

/// <summary>Reads the name servers and time-out of a resolv.conf file (resolv.conf(5)).</summary>
public static class ResolvConf
{
    /// <summary>Applies the file's <c>nameserver</c> lines and <c>options timeout:N attempts:N</c> to the options.</summary>
    /// <param name="options">The options to fill.</param>
    /// <param name="text">The file's text.</param>
    public static void Apply(DnsClientOptions options, string text)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(text);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Split('#', ';')[0].Trim();
            var parts = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length >= 2 && parts[0] == "nameserver" && IPAddress.TryParse(parts[1].Split('%')[0], out var address))
            {
                options.Servers.Add(new IPEndPoint(address, 53));
            }
            else if (parts.Length >= 2 && parts[0] == "options")
            {
                foreach (var option in parts.Skip(1))
                {
                    if (option.StartsWith("timeout:", StringComparison.Ordinal) && int.TryParse(option.AsSpan(8), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds > 0)
                    {
                        options.Timeout = TimeSpan.FromSeconds(Math.Min(seconds, 30));
                    }
                    else if (option.StartsWith("attempts:", StringComparison.Ordinal) && int.TryParse(option.AsSpan(9), NumberStyles.None, CultureInfo.InvariantCulture, out var attempts) && attempts > 0)
                    {
                        options.Attempts = Math.Min(attempts, 5);
                    }
                }
            }
        }
    }
}
