using System.Globalization;
using System.Net;
using System.Text.Json;
using MailKitServer.SenderAuth;
using MailKitServer.Smtp.SenderAuth.Spf;
using MailKitServer.TestSupport;

namespace MailKitServer.Smtp.Tests.SenderAuth;

/// <summary>
/// Our SPF and an independent implementation, Debian's pyspf (python3-spf), evaluate the same records, served by
/// dnsmasq, for the same client addresses. The zone is RFC 7208 Appendix A's (example.com, example.org, their mail
/// hosts and reverse names); the records are the appendix's examples (A.1 simple, A.2 multiple domains, A.3 DNSBL
/// style, A.4 multiple requirements) with limits and errors added.
/// </summary>
public class PyspfAgreementTests
{
    private static readonly (string Name, string Record)[] Records =
    [
        ("r01", "v=spf1 +all"),
        ("r02", "v=spf1 a:example.com -all"),
        ("r03", "v=spf1 a:example.org -all"),
        ("r04", "v=spf1 mx:example.com -all"),
        ("r05", "v=spf1 mx:example.org -all"),
        ("r06", "v=spf1 mx:example.com mx:example.org -all"),
        ("r07", "v=spf1 mx:example.com/30 mx:example.org/30 -all"),
        ("r08", "v=spf1 ptr:example.com -all"),
        ("r09", "v=spf1 ip4:192.0.2.128/28 -all"),
        ("r10", "v=spf1 include:example.com include:example.net -all"),
        ("r11", "v=spf1 -exists:%{ir}.bl.example.org ~all"),
        ("r12", "v=spf1 -include:ip4._spf.%{d} -include:ptr._spf.%{d} +all"),
        ("r13", "v=spf1 ?all"),
        ("r14", "v=spf1 redirect=example.com"),
        ("r15", "v=spf1 exists:%{l}.users.example.com -all"),
        ("r16", "v=spf1 a:1.2.3.4 -all"),
        ("r17", "v=spf1 a:n1.example.net a:n2.example.net a:n3.example.net +all"),
        ("r18", "v=spf1 a:example.com/24 ~all"),
        ("r19", "v=spf1 include:r19.example.com -all"),
        ("r20", "v=spf1 mx ptr ip6:2001:db8::/32 ~all"),
    ];

    private static readonly string[] Clients = ["192.0.2.10", "192.0.2.65", "192.0.2.66", "192.0.2.129", "192.0.2.140", "198.51.100.7"];

    private const string Pyspf = """
        import json, sys
        import spf
        out = {}
        for pair in sys.argv[1].split(";"):
            domain, ip = pair.split(",")
            result, explanation = spf.check2(i=ip, s="alice@" + domain, h="mail.example.org")
            out[pair] = result
        print(json.dumps(out))
        """;

    [Fact]
    public async Task Our_SPF_and_pyspf_agree_on_every_record_and_client_of_the_table()
    {
        var args = new List<string>
        {
            "--local=/example.com/", "--local=/example.org/", "--local=/example.net/", "--local=/2.0.192.in-addr.arpa/",
            // Without it dnsmasq refuses the reverse lookup of 198.51.100.7: pyspf makes that a temperror, we follow RFC 7208
            // §5.5 (a DNS error in the PTR lookup makes ptr not match).
            "--local=/100.51.198.in-addr.arpa/",
            "--host-record=example.com,192.0.2.10", "--host-record=amy.example.com,192.0.2.65", "--host-record=bob.example.com,192.0.2.66",
            "--host-record=mail-a.example.com,192.0.2.129", "--host-record=mail-b.example.com,192.0.2.130", "--host-record=mail-c.example.org,192.0.2.140",
            "--mx-host=example.com,mail-a.example.com,10", "--mx-host=example.com,mail-b.example.com,20", "--mx-host=example.org,mail-c.example.org,10",
            "--txt-record=example.com,v=spf1 a mx -all", "--txt-record=example.net,v=spf1 ip4:192.0.2.140 ~all",
            "--host-record=66.2.0.192.bl.example.org,127.0.0.2",
            "--host-record=alice.users.example.com,127.0.0.2",
        };
        foreach (var (name, record) in Records)
        {
            args.Add($"--txt-record={name}.example.com,{record}");
            if (name == "r12")
            {
                args.Add("--txt-record=ip4._spf.r12.example.com,v=spf1 -ip4:192.0.2.0/26 +all");
                args.Add("--txt-record=ptr._spf.r12.example.com,v=spf1 -ptr:example.com +all");
            }
        }

        await using var dns = await Dnsmasq.StartAsync([.. args]);
        var pairs = Records.SelectMany(r => Clients.Select(ip => $"{r.Name}.example.com,{ip}")).ToList();
        var run = await DebianPython.RunAsync(dns, Pyspf, string.Join(';', pairs));
        Assert.True(run.ExitCode == 0, run.ToString());
        var theirs = JsonSerializer.Deserialize<Dictionary<string, string>>(run.Stdout)!;

        var evaluator = new SpfEvaluator(TestDns.Resolver(dns.EndPoint), "mx.receiver.test", TimeProvider.System, TimeSpan.FromSeconds(20));
        var disagreements = new List<string>();
        var seen = new HashSet<SpfResult>();
        foreach (var pair in pairs)
        {
            var (domain, ip) = (pair.Split(',')[0], pair.Split(',')[1]);
            var ours = await evaluator.CheckMailFromAsync(IPAddress.Parse(ip), "alice@" + domain, "mail.example.org", default);
            seen.Add(ours.Result);
            if (!string.Equals(ours.Result.ToString(), theirs[pair], StringComparison.OrdinalIgnoreCase))
            {
                disagreements.Add($"{pair}: ours {ours.Result} ({ours.Explanation}), pyspf {theirs[pair]}");
            }
        }

        Assert.True(pairs.Count >= 40);
        Assert.True(disagreements.Count == 0, string.Join('\n', disagreements));

        // The table exercises every result but temperror (dnsmasq answers everything).
        Assert.Superset(new HashSet<SpfResult> { SpfResult.Pass, SpfResult.Fail, SpfResult.SoftFail, SpfResult.Neutral, SpfResult.PermError }, seen);
    }
}
