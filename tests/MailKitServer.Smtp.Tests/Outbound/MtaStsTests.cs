using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using MailKitServer.Dns;
using MailKitServer.Policy;
using MailKitServer.Runtime;
using MailKitServer.Smtp.Outbound;
using MailKitServer.Smtp.Outbound.Queue;
using MailKitServer.Storage.InMemory;
using MailKitServer.TestSupport;
using MailKitServer.Users.InMemory;

namespace MailKitServer.Smtp.Tests.Outbound;

/// <summary>
/// MTA-STS (RFC 8461) on outbound delivery with real peers: dnsmasq publishes b.test's MX and <c>_mta-sts</c> record,
/// Python's http.server over ssl (Debian's python3) serves the policy at mta-sts.b.test with a certificate from a test
/// CA, and server B on 127.0.0.2 presents a certificate for mx.b.test from the same CA (or the untrusted development
/// certificate). Enforce with a matching MX delivers over verified TLS; an MX the policy does not name, or a
/// certificate that does not verify, defers and finally bounces with the reason; testing mode delivers; a policy
/// larger than the cap and a policy host that never answers count as no policy.
/// </summary>
public sealed class MtaStsTests
{
    private const string HttpsServer = """
        import sys, ssl, http.server, functools
        root, cert, key, mode = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
        class Handler(http.server.SimpleHTTPRequestHandler):
            def do_GET(self):
                if mode == "silent":
                    import time
                    time.sleep(600)
                super().do_GET()
            def log_message(self, *args):
                pass
        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=root))
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(cert, key)
        httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True)
        print(httpd.server_address[1], flush=True)
        httpd.serve_forever()
        """;

    private const string Enforce = "version: STSv1\r\nmode: enforce\r\nmx: mx.b.test\r\nmax_age: 86400\r\n";

    [Fact]
    public async Task Enforce_with_a_matching_MX_and_a_certificate_from_the_CA_delivers_over_TLS()
    {
        await using var world = await World.StartAsync(Enforce, trustedReceiver: true);
        await OutboundHarness.SubmitAsync(world.Sender, "alice@example.test", ["someone@b.test"], "Subject: sts\r\n\r\nover verified TLS\r\n");

        Assert.Equal(1, await world.Receiver.WaitForCountAsync(1));
        var text = Assert.Single(await OutboundHarness.InboxTextsAsync(world.Receiver.Store, "someone@b.test"));
        Assert.Contains("with ESMTPS", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("version: STSv1\nmode: enforce\nmx: *.other.test\nmx: b.test\nmax_age: 600\n", true, "matches its MTA-STS policy")]
    [InlineData(Enforce, false, "TLS with mx.b.test")]
    public async Task Enforce_defers_an_MX_the_policy_does_not_name_or_an_unverified_certificate_and_then_bounces_with_the_reason(string policy, bool trustedReceiver, string reason)
    {
        await using var world = await World.StartAsync(policy, trustedReceiver, lifetime: TimeSpan.FromSeconds(3));
        await OutboundHarness.SubmitAsync(world.Sender, "alice@example.test", ["someone@b.test"], "Subject: sts\r\n\r\nnot like this\r\n");

        // Deferred first (a 4xx kept in the queue) ...
        var queue = world.Sender.Server.GetOutboundQueue();
        await OutboundHarness.WaitUntilAsync(queue, () => queue.List() is [{ Recipients: [{ Diagnostic: not null }] }] || queue.Count == 0);
        var first = Assert.Single(queue.List());
        var (_, state, status, diagnostic) = Assert.Single(first.Recipients);
        Assert.Equal(RecipientState.Pending, state);
        Assert.StartsWith("4.", status, StringComparison.Ordinal);
        Assert.Contains(reason, diagnostic, StringComparison.Ordinal);

        // ... then bounced to the sender with the reason once the queue lifetime is over.
        var bounce = Encoding.UTF8.GetString(Assert.Single(await world.Sender.WaitForInboxAsync("alice@example.test", 1)));
        Assert.Contains(reason, bounce, StringComparison.Ordinal);
        Assert.Equal(0, await world.Receiver.CountAsync());
    }

    [Theory]
    [InlineData("version: STSv1\r\nmode: testing\r\nmx: *.other.test\r\nmax_age: 600\r\n", "policy")]
    [InlineData("version: STSv1\r\nmode: enforce\r\nmx: *.other.test\r\nmax_age: 600\r\n", "oversized")]
    [InlineData(Enforce, "silent")]
    public async Task Testing_mode_an_oversized_policy_and_a_silent_policy_host_deliver_as_without_a_policy(string policy, string variant)
    {
        if (variant == "oversized")
        {
            // RFC 8461 §3.3 lets senders bound the policy; ours is 64 KiB: beyond it, no policy (so no refusal).
            policy += string.Concat(Enumerable.Repeat("x-padding: " + new string('p', 100) + "\r\n", 700));
        }

        await using var world = await World.StartAsync(policy, trustedReceiver: false, fetchTimeout: TimeSpan.FromMilliseconds(variant == "silent" ? 500 : 10_000), httpMode: variant);
        await OutboundHarness.SubmitAsync(world.Sender, "alice@example.test", ["someone@b.test"], "Subject: sts\r\n\r\ndelivered anyway\r\n");
        Assert.Equal(1, await world.Receiver.WaitForCountAsync(1));
    }

    /// <summary>
    /// RFC 8461 §5.1: a cached policy is refreshed in the background before it expires. The policy changes on its host
    /// (mx.b.test no longer named); half its max_age later the refresh, run by the server's clock, has fetched it, so
    /// the next message is deferred without any fetch at delivery time (the TXT id did not change).
    /// </summary>
    [Fact]
    public async Task A_cached_policy_is_refreshed_in_the_background_before_it_expires()
    {
        var time = new ManualTimeProvider();
        var interval = TimeSpan.FromMinutes(47);
        await using var world = await World.StartAsync(Enforce, trustedReceiver: true, time: time, refreshInterval: interval);
        await OutboundHarness.SubmitAsync(world.Sender, "alice@example.test", ["someone@b.test"], "Subject: sts\r\n\r\nfirst\r\n");
        Assert.Equal(1, await world.Receiver.WaitForCountAsync(1));

        await File.WriteAllTextAsync(world.PolicyPath, "version: STSv1\r\nmode: enforce\r\nmx: other.b.test\r\nmax_age: 86400\r\n");
        var refreshed = time.WaitForArmedAsync(due => due == interval, fresh: true);
        time.Advance(TimeSpan.FromHours(13));
        await refreshed;

        await OutboundHarness.SubmitAsync(world.Sender, "alice@example.test", ["someone@b.test"], "Subject: sts\r\n\r\nsecond\r\n");
        var queue = world.Sender.Server.GetOutboundQueue();
        await OutboundHarness.WaitUntilAsync(queue, () => queue.List() is [{ Recipients: [{ Diagnostic: not null }] }]);
        var (_, state, _, diagnostic) = Assert.Single(Assert.Single(queue.List()).Recipients);
        Assert.Equal(RecipientState.Pending, state);
        Assert.Contains("mx: other.b.test", diagnostic, StringComparison.Ordinal);
        Assert.Equal(1, await world.Receiver.CountAsync());
    }

    /// <summary>dnsmasq, the policy host, server B and the sending server A, with the test CA.</summary>
    private sealed class World : IAsyncDisposable
    {
        private readonly string _directory;
        private readonly Process _https;
        private readonly Dnsmasq _dns;
        private readonly TestCertificates _certificates;

        private World(string directory, Process https, Dnsmasq dns, RemoteReceiver receiver, TestMailServer sender, TestCertificates certificates)
        {
            _certificates = certificates;
            _directory = directory;
            _https = https;
            _dns = dns;
            Receiver = receiver;
            Sender = sender;
        }

        public RemoteReceiver Receiver { get; }

        public TestMailServer Sender { get; }

        public string PolicyPath => Path.Combine(_directory, "www", ".well-known", "mta-sts.txt");

        public static async Task<World> StartAsync(string policy, bool trustedReceiver, TimeSpan? lifetime = null, TimeSpan? fetchTimeout = null, string httpMode = "policy", TimeProvider? time = null, TimeSpan? refreshInterval = null)
        {
            var directory = Path.Combine(Path.GetTempPath(), $"mks-sts-{Guid.NewGuid():N}");
            Directory.CreateDirectory(Path.Combine(directory, "www", ".well-known"));
            await File.WriteAllTextAsync(Path.Combine(directory, "www", ".well-known", "mta-sts.txt"), policy);
            var certificates = TestCertificates.Create("mx.b.test", "mta-sts.b.test");
            var (certFile, keyFile) = certificates.WritePem(directory);

            var psi = new ProcessStartInfo("/usr/bin/python3") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { "-c", HttpsServer, Path.Combine(directory, "www"), certFile, keyFile, httpMode })
            {
                psi.ArgumentList.Add(a);
            }

            var https = Process.Start(psi)!;
            var portLine = await https.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
            var httpsPort = int.Parse(portLine ?? throw new InvalidOperationException(await https.StandardError.ReadToEndAsync()), CultureInfo.InvariantCulture);

            var dns = await Dnsmasq.StartAsync(
                "--mx-host=b.test,mx.b.test,10",
                $"--host-record=mx.b.test,{RemoteReceiver.Address}",
                "--host-record=mta-sts.b.test,127.0.0.1",
                "--txt-record=_mta-sts.b.test,v=STSv1; id=20261129;");
            var receiver = await RemoteReceiver.StartAsync(certificate: trustedReceiver ? certificates.Leaf : null);
            var sender = await TestMailServer.StartAsync(configure: b =>
            {
                b.UseTimeProvider(time ?? TimeProvider.System).UseDnsResolver(dns.Resolver()).AddOutboundDelivery(o =>
                {
                    o.RemotePort = receiver.Port;
                    o.RetrySchedule.Clear();
                    o.RetrySchedule.Add(TimeSpan.FromMilliseconds(300));
                    o.QueueLifetime = lifetime ?? TimeSpan.FromMinutes(5);
                    o.MtaStsPolicyPort = httpsPort;
                    o.MtaStsFetchTimeout = fetchTimeout ?? TimeSpan.FromSeconds(10);
                    o.TrustedRoots = [certificates.Ca];
                    o.CommandTimeout = TimeSpan.FromSeconds(10);
                    o.MtaStsRefreshInterval = refreshInterval ?? o.MtaStsRefreshInterval;
                });
            });
            return new World(directory, https, dns, receiver, sender, certificates);
        }

        public async ValueTask DisposeAsync()
        {
            await Sender.DisposeAsync();
            await Receiver.DisposeAsync();
            await _dns.DisposeAsync();
            _https.Kill();
            await _https.WaitForExitAsync();
            _https.Dispose();
            Directory.Delete(_directory, recursive: true);
            _certificates.Dispose();
        }
    }
}
