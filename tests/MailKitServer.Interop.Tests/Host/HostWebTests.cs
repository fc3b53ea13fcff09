using System.Globalization;
using MailKitServer.TestSupport;

namespace MailKitServer.Interop.Tests.Host;

public class HostWebTests
{
    [Fact]
    public async Task Host_serves_the_web_api_on_http_port_and_curl_reads_a_message_sent_with_swaks()
    {
        await using var host = await HostProcess.StartAsync(
            "--store", "memory", "--smtp-port", "0", "--submission-port", "-1", "--smtps-port", "-1",
            "--pop3-port", "-1", "--pop3s-port", "-1", "--imap-port", "-1", "--imaps-port", "-1", "--http-port", "0",
            "--user", "carol@corp.test:carol-pw");
        Assert.True(host.Listeners.ContainsKey("http"), string.Join("\n", host.Output));
        var http = host.Listeners["http"];
        Assert.Equal("127.0.0.1", http.Address.ToString());
        var smtp = host.Listeners["smtp"].Port.ToString(CultureInfo.InvariantCulture);
        var sent = await ExternalTool.RunAsync("swaks", ["--server", "127.0.0.1", "--port", smtp, "--from", "a@remote.test", "--to", "carol@corp.test", "--header", "Subject: via the host"]);
        Assert.True(sent.ExitCode == 0, sent.ToString());

        var list = await ExternalTool.RunAsync("curl", ["-sS", "--fail", $"http://{http}/api/v1/messages?user=carol@corp.test"]);
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Contains("\"subject\":\"via the host\"", list.Stdout, StringComparison.Ordinal);
        var ready = await ExternalTool.RunAsync("curl", ["-sS", "--fail", $"http://{http}/readyz"]);
        Assert.True(ready.ExitCode == 0, ready.ToString());
        Assert.Equal(0, await host.TerminateAsync());
    }

    [Fact]
    public async Task Off_a_loopback_bind_the_api_needs_http_auth_or_an_admin_user_and_curl_gets_in_with_them()
    {
        // Any address of this machine that is not loopback (the tests' machines have one: eth0 in a container).
        var address = System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == System.Net.NetworkInformation.OperationalStatus.Up)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(u => u.Address)
            .FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && !System.Net.IPAddress.IsLoopback(a));
        Assert.True(address is not null, "this test needs a non-loopback IPv4 address on the machine");
        await using var host = await HostProcess.StartAsync(
            "--store", "memory", "--bind", address!.ToString(), "--smtp-port", "0", "--submission-port", "-1", "--smtps-port", "-1",
            "--pop3-port", "-1", "--pop3s-port", "-1", "--imap-port", "-1", "--imaps-port", "-1", "--http-port", "0", "--http-auth", "admin:web-pw",
            "--user", "dana@corp.test:dana-pw", "--user", "eve@corp.test:eve-pw", "--http-admin", "dana@corp.test");
        var http = host.Listeners["http"];
        Assert.Equal(address, http.Address);
        var anonymous = await ExternalTool.RunAsync("curl", ["-sS", "-o", "/dev/null", "-w", "%{http_code}", $"http://{http}/api/v1/messages"]);
        Assert.Equal("401", anonymous.Stdout);
        var wrong = await ExternalTool.RunAsync("curl", ["-sS", "-o", "/dev/null", "-w", "%{http_code}", "-u", "admin:nope", $"http://{http}/"]);
        Assert.Equal("401", wrong.Stdout);
        var right = await ExternalTool.RunAsync("curl", ["-sS", "-o", "/dev/null", "-w", "%{http_code}", "-u", "admin:web-pw", $"http://{http}/api/v1/messages"]);
        Assert.Equal("200", right.Stdout);

        // The admin role: a directory user named by --http-admin, with their own mail password; another user is refused.
        var admin = await ExternalTool.RunAsync("curl", ["-sS", "-o", "/dev/null", "-w", "%{http_code}", "-u", "dana@corp.test:dana-pw", $"http://{http}/api/v1/messages"]);
        Assert.Equal("200", admin.Stdout);
        var notAdmin = await ExternalTool.RunAsync("curl", ["-sS", "-o", "/dev/null", "-w", "%{http_code}", "-u", "eve@corp.test:eve-pw", $"http://{http}/api/v1/messages"]);
        Assert.Equal("401", notAdmin.Stdout);
        var probe = await ExternalTool.RunAsync("curl", ["-sS", "-o", "/dev/null", "-w", "%{http_code}", $"http://{http}/livez"]);
        Assert.Equal("200", probe.Stdout);
        Assert.Equal(0, await host.TerminateAsync());
    }

    [Fact]
    public async Task The_dns_records_command_prints_rfc_6186_srv_records_and_a_bad_http_auth_is_refused()
    {
        var records = await ExternalTool.RunAsync("dotnet", [HostProcess.HostDll, "dns-records", "--domain", "corp.test", "--pop3-port", "-1", "--submission-port", "587", "--imaps-port", "993"]);
        Assert.Equal(0, records.ExitCode);
        Assert.Contains("_submission._tcp.corp.test. 3600 IN SRV 10 1 587 corp.test.", records.Stdout, StringComparison.Ordinal);
        Assert.Contains("_imaps._tcp.corp.test. 3600 IN SRV 0 1 993 corp.test.", records.Stdout, StringComparison.Ordinal);
        // A service that is off is published as "not provided" (RFC 6186 §4).
        Assert.Contains("_pop3._tcp.corp.test. 3600 IN SRV 0 0 0 .", records.Stdout, StringComparison.Ordinal);

        var bad = await ExternalTool.RunAsync("dotnet", [HostProcess.HostDll, "--http-auth", "nocolon"]);
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("--http-auth needs USER:PASSWORD", bad.Stderr, StringComparison.Ordinal);
    }
}
