using System.Globalization;
using System.Net;

namespace MailKitServer.TestSupport;

/// <summary>
/// A private Unbound (Debian unbound) on a free loopback port: a validating recursive resolver whose only data is one
/// test zone, loaded as an auth-zone that Unbound's iterator reads as if it came from upstream, so its validator
/// checks every answer. Signed, the zone gets a fresh ECDSA P-256 key (ldns-keygen, Debian ldnsutils), is signed with
/// ldns-signzone and that key's DS is the trust anchor: answers carry the AD bit. Unsigned, there is no trust anchor,
/// the zone is insecure and answers never carry AD. <paramref name="tamper"/> edits the signed zone file after
/// signing (a record changed under its signature), so Unbound finds the answer bogus and says SERVFAIL.
/// </summary>
public sealed class Unbound : IAsyncDisposable
{
    private readonly System.Diagnostics.Process _process;
    private readonly string _directory;

    private Unbound(IPEndPoint endPoint, System.Diagnostics.Process process, string directory)
    {
        EndPoint = endPoint;
        _process = process;
        _directory = directory;
    }

    public IPEndPoint EndPoint { get; }

    /// <summary>The product's resolver asking only this Unbound (EDNS with the DO bit, the default), no cache, one attempt.</summary>
    public MailKitServer.Dns.DnsClientResolver Resolver()
    {
        var options = new MailKitServer.Dns.DnsResolverOptions { UseCache = false, Timeout = TimeSpan.FromSeconds(5), Attempts = 1 };
        options.Servers.Add(EndPoint);
        return new MailKitServer.Dns.DnsClientResolver(options);
    }

    /// <summary>Starts Unbound serving <paramref name="zone"/> with <paramref name="records"/> (master-file lines relative to the zone; SOA and NS are added).</summary>
    public static async Task<Unbound> StartAsync(string zone, IEnumerable<string> records, bool signed, Func<string, string>? tamper = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "mks-unbound-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var zoneFile = Path.Combine(directory, zone + ".zone");
        var lines = new List<string>
        {
            $"$ORIGIN {zone}.",
            "$TTL 300",
            $"@ IN SOA ns.{zone}. hostmaster.{zone}. 1 3600 600 86400 300",
            $"@ IN NS ns.{zone}.",
            "ns IN A 127.0.0.1",
        };
        lines.AddRange(records);
        await File.WriteAllLinesAsync(zoneFile, lines);
        var anchor = "";
        if (signed)
        {
            var keygen = await ExternalTool.RunAsync("ldns-keygen", ["-a", "ECDSAP256SHA256", "-k", zone], workingDirectory: directory);
            Assert.True(keygen.ExitCode == 0, keygen.ToString());
            var key = Path.Combine(directory, keygen.Stdout.Trim());
            var sign = await ExternalTool.RunAsync("ldns-signzone", ["-f", zoneFile + ".signed", zoneFile, key], workingDirectory: directory);
            Assert.True(sign.ExitCode == 0, sign.ToString());
            zoneFile += ".signed";
            if (tamper is not null)
            {
                await File.WriteAllTextAsync(zoneFile, tamper(await File.ReadAllTextAsync(zoneFile)));
            }

            anchor = $"  trust-anchor-file: \"{key}.ds\"\n";
        }

        for (var attempt = 0; ; attempt++)
        {
            var port = LoopbackProcess.FreePort();
            var config = Path.Combine(directory, "unbound.conf");
            await File.WriteAllTextAsync(config, string.Create(CultureInfo.InvariantCulture, $"""
                server:
                  interface: 127.0.0.1
                  port: {port}
                  do-daemonize: no
                  username: ""
                  chroot: ""
                  directory: "{directory}"
                  pidfile: ""
                  use-syslog: no
                  logfile: ""
                  do-ip6: no
                  access-control: 127.0.0.0/8 allow
                  module-config: "validator iterator"
                  local-zone: "test." nodefault
                  do-not-query-localhost: no
                  root-hints: ""
                {anchor}auth-zone:
                  name: "{zone}"
                  zonefile: "{zoneFile}"
                  for-downstream: no
                  for-upstream: yes
                  fallback-enabled: no
                remote-control:
                  control-enable: no

                """));
            var psi = new System.Diagnostics.ProcessStartInfo("unbound");
            psi.ArgumentList.Add("-d");
            psi.ArgumentList.Add("-c");
            psi.ArgumentList.Add(config);
            // Unbound opens its ports before it forks its workers and logs "start of service" (to stderr: no log file, no syslog).
            var (process, error) = await LoopbackProcess.StartAsync(psi, "start of service");
            if (process is not null)
            {
                return new Unbound(new IPEndPoint(IPAddress.Loopback, port), process, directory);
            }

            if (attempt >= 3)
            {
                TempDirectories.Delete(directory);
                throw new InvalidOperationException("unbound did not start: " + error);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await LoopbackProcess.StopAsync(_process);
        TempDirectories.Delete(_directory);
    }
}
