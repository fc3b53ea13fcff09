namespace MailKitServer.TestSupport;

/// <summary>
/// Runs a script in Debian's own Python (<c>/usr/bin/python3</c>), where Debian's python3-dkim (dkimpy), python3-spf
/// (pyspf) and python3-authres live, rather than a pyenv python3 that may come first on PATH. With a
/// <see cref="Dnsmasq"/>, dnspython's default resolver (the one dkimpy and pyspf query) asks only that dnsmasq.
/// </summary>
public static class DebianPython
{
    private const string UseDnsmasq = """
        import os as _os, dns.resolver as _dns_resolver
        _resolver = _dns_resolver.Resolver(configure=False)
        _resolver.nameservers = ["127.0.0.1"]
        _resolver.port = int(_os.environ["MKS_DNSMASQ_PORT"])
        _resolver.cache = None
        _dns_resolver.default_resolver = _resolver

        """;

    /// <summary>Runs <paramref name="script"/> with <c>sys.argv[1:]</c> = <paramref name="arguments"/> (3 minutes at most).</summary>
    public static Task<ExternalTool.Result> RunAsync(string script, params string[] arguments) =>
        ExternalTool.RunAsync("/usr/bin/python3", ["-c", script, .. arguments], timeout: TimeSpan.FromMinutes(3));

    /// <summary>Runs <paramref name="script"/> with DNS lookups answered by <paramref name="dns"/>.</summary>
    public static Task<ExternalTool.Result> RunAsync(Dnsmasq dns, string script, params string[] arguments) =>
        ExternalTool.RunAsync("/usr/bin/python3", ["-c", UseDnsmasq + script, .. arguments], timeout: TimeSpan.FromMinutes(3),
            environment: new Dictionary<string, string> { ["MKS_DNSMASQ_PORT"] = dns.EndPoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture) });
}
