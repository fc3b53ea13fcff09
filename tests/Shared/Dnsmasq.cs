using System.Net;

namespace MailKitServer.TestSupport;

/// <summary>
/// A private dnsmasq (Debian dnsmasq-base) answering for *.test on a free loopback port (UDP and TCP): the records
/// come as dnsmasq options (--mx-host, --host-record, --cname, --txt-record); other names under .test are NXDOMAIN.
/// </summary>
public sealed class Dnsmasq : IAsyncDisposable
{
    private readonly System.Diagnostics.Process _process;

    private Dnsmasq(IPEndPoint endPoint, System.Diagnostics.Process process)
    {
        EndPoint = endPoint;
        _process = process;
    }

    public IPEndPoint EndPoint { get; }

    /// <summary>The product's resolver asking only this dnsmasq: no cache, one attempt, <paramref name="timeout"/> (3 s) per query.</summary>
    public MailKitServer.Dns.DnsClientResolver Resolver(TimeSpan? timeout = null)
    {
        var options = new MailKitServer.Dns.DnsResolverOptions { UseCache = false, Timeout = timeout ?? TimeSpan.FromSeconds(3), Attempts = 1 };
        options.Servers.Add(EndPoint);
        return new MailKitServer.Dns.DnsClientResolver(options);
    }

    public static async Task<Dnsmasq> StartAsync(params string[] records)
    {
        for (var attempt = 0; ; attempt++)
        {
            var port = LoopbackProcess.FreePort();
            var psi = new System.Diagnostics.ProcessStartInfo("dnsmasq");
            foreach (var arg in new[] { "--keep-in-foreground", "--conf-file=/dev/null", $"--port={port}", "--listen-address=127.0.0.1", "--bind-interfaces", "--no-resolv", "--no-hosts", "--local=/test/", "--pid-file=", "--user=root", "--log-facility=-" }.Concat(records))
            {
                psi.ArgumentList.Add(arg);
            }

            // dnsmasq logs "started" (to stderr with --log-facility=-) once its listeners are bound.
            var (process, error) = await LoopbackProcess.StartAsync(psi, "started, version");
            if (process is not null)
            {
                return new Dnsmasq(new IPEndPoint(IPAddress.Loopback, port), process);
            }

            if (attempt >= 3)
            {
                throw new InvalidOperationException("dnsmasq did not start: " + error);
            }
        }
    }

    public ValueTask DisposeAsync() => new(LoopbackProcess.StopAsync(_process));
}
