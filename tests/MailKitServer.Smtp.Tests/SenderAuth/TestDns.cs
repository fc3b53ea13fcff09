using System.Net;
using MailKitServer.Dns;

namespace MailKitServer.Smtp.Tests.SenderAuth;

/// <summary>The product's DNS resolver asking one name server (a test's dnsmasq), without a cache.</summary>
internal static class TestDns
{
    public static IDnsResolver Resolver(IPEndPoint server)
    {
        var options = new DnsResolverOptions { UseCache = false };
        options.Servers.Add(server);
        return new DnsClientResolver(options);
    }
}
