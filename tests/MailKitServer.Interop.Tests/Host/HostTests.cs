using MailKitServer.Smtp;
using MailKitServer.TestSupport;

namespace MailKitServer.Interop.Tests.Host;

public class HostTests
{
    [Fact]
    public async Task Host_prints_its_listeners_serves_smtp_and_exits_0_on_sigterm()
    {
        await using var host = await HostProcess.StartAsync(
            "--store", "memory", "--smtp-port", "0", "--submission-port", "0", "--smtps-port", "0",
            "--pop3-port", "0", "--pop3s-port", "-1", "--imap-port", "0", "--imaps-port", "-1",
            "--user", "carol@corp.test:carol-pw", "--alias", "all@corp.test=carol@corp.test,sales@corp.test", "--alias", "sales@corp.test=carol@corp.test");
        // A password given on the command line is never printed (only the generated demo user's is).
        Assert.Contains("user carol@corp.test", host.Output);
        Assert.DoesNotContain(host.Output, line => line.Contains("carol-pw", StringComparison.Ordinal));
        Assert.Equal(["imap", "pop3", "smtp", "smtps", "submission"], host.Listeners.Keys.Order(StringComparer.Ordinal).ToArray());
        Assert.All(host.Listeners.Values, e => Assert.NotEqual(0, e.Port));

        var port = host.Listeners["smtp"].Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var r = await ExternalTool.RunAsync("swaks", ["--server", "127.0.0.1", "--port", port, "--from", "a@remote.test", "--to", "all@corp.test"]);
        Assert.True(r.ExitCode == 0, r.ToString());
        var refused = await ExternalTool.RunAsync("swaks", ["--server", "127.0.0.1", "--port", port, "--from", "a@remote.test", "--to", "x@elsewhere.test"]);
        Assert.Contains("554 5.7.1 Relay access denied", refused.Stdout, StringComparison.Ordinal);

        Assert.Equal(0, await host.TerminateAsync());
        Assert.Contains("stopped", host.Output);
    }

    [Fact]
    public async Task Sigterm_the_instant_ready_appears_stops_the_host_cleanly()
    {
        // The signal handlers must be in place before "ready" is printed: a supervisor may stop the host at once.
        for (var i = 0; i < 20; i++)
        {
            await using var host = await HostProcess.StartAsync(
                "--store", "memory", "--smtp-port", "0", "--submission-port", "-1", "--smtps-port", "-1",
                "--pop3-port", "-1", "--pop3s-port", "-1", "--imap-port", "-1", "--imaps-port", "-1");
            var exitCode = await host.TerminateAsync();
            Assert.True(exitCode == 0, $"run {i}: exit {exitCode}\n" + string.Join("\n", host.Output));
            Assert.Contains("stopping", host.Output);
            Assert.Contains("stopped", host.Output);
        }
    }

    [Fact]
    public async Task Default_ports_and_demo_user_are_the_documented_ones()
    {
        // The documented defaults may be taken on a shared machine; check the parsed defaults instead of binding them.
        var r = await ExternalTool.RunAsync("dotnet", [HostProcess.HostDll, "--help"]);
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("--smtp-port N               inbound SMTP (default 2525)", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("--submission-port N         submission with STARTTLS and AUTH (default 2587)", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("--managesieve-port N        ManageSieve for users' Sieve scripts (default 4190)", r.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("postgres:Host=x", "error: --store postgres: PostgresStoreOptions.ConnectionString: cannot reach the database at x:5432")]
    [InlineData("nonsense", "is not maildir:PATH, memory or postgres:CONNSTRING")]
    public async Task Unavailable_store_fails_with_a_clear_message(string store, string message)
    {
        var r = await ExternalTool.RunAsync("dotnet", [HostProcess.HostDll, "--store", store]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(message, r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_option_fails_with_usage_hint()
    {
        var r = await ExternalTool.RunAsync("dotnet", [HostProcess.HostDll, "--smtp-port", "99999"]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--smtp-port: '99999' is not a port", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Host_delivers_outbound_mail_through_dnsmasq_and_retries_on_its_schedule()
    {
        await using var dns = await Dnsmasq.StartAsync("--mx-host=b.test,mx.b.test,10", "--host-record=mx.b.test,127.0.0.2");
        var port = RemoteReceiver.FreePort();

        await using var host = await HostProcess.StartAsync(
            "--store", "memory", "--smtp-port", "0", "--submission-port", "0", "--smtps-port", "-1", "--pop3-port", "-1", "--pop3s-port", "-1", "--imap-port", "-1", "--imaps-port", "-1",
            "--insecure-auth", "--dns", dns.EndPoint.ToString(), "--relay-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--retry-schedule", "300ms", "--log-level", "information");
        var submission = host.Listeners["submission"].Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var sent = await ExternalTool.RunAsync("swaks", ["--server", "127.0.0.1", "--port", submission, "--auth", "PLAIN", "--auth-user", "demo@example.test", "--auth-password", "demo", "--from", "demo@example.test", "--to", "someone@b.test", "--header", "Subject: from the host"]);
        Assert.True(sent.ExitCode == 0, sent.ToString());

        // B comes up after the first attempt failed (the host logs its outcome): the host's schedule delivers it.
        await host.WaitForOutputAsync(l => l.Contains("to=<someone@b.test>", StringComparison.Ordinal) && l.Contains("status=deferred", StringComparison.Ordinal));
        await using var b = await RemoteReceiver.StartAsync(port);
        Assert.Equal(1, await b.WaitForCountAsync(1));

        Assert.Contains("queue memory", host.Output);
        Assert.Contains("user demo@example.test password demo", host.Output);
        Assert.Equal(0, await host.TerminateAsync());
    }

    [Fact]
    public async Task A_queued_message_survives_a_crash_of_the_host_and_is_delivered_after_the_restart()
    {
        await using var dns = await Dnsmasq.StartAsync("--mx-host=b.test,mx.b.test,10", "--host-record=mx.b.test,127.0.0.2");
        var port = RemoteReceiver.FreePort();

        var maildata = Directory.CreateTempSubdirectory("mks-crash-queue").FullName;
        try
        {
            string[] Arguments() =>
            [
                "--store", "maildir:" + maildata, "--smtp-port", "-1", "--submission-port", "0", "--smtps-port", "-1", "--pop3-port", "-1", "--pop3s-port", "-1", "--imap-port", "-1", "--imaps-port", "-1",
                "--insecure-auth", "--dns", dns.EndPoint.ToString(), "--relay-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--retry-schedule", "200ms",
                "--log-level", "information",
            ];
            await using (var host = await HostProcess.StartAsync(Arguments()))
            {
                var submission = host.Listeners["submission"].Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
                var sent = await ExternalTool.RunAsync("swaks", ["--server", "127.0.0.1", "--port", submission, "--auth", "PLAIN", "--auth-user", "demo@example.test", "--auth-password", "demo", "--from", "demo@example.test", "--to", "someone@b.test", "--header", "Subject: survives a crash"]);
                Assert.True(sent.ExitCode == 0 && sent.Stdout.Contains("250 2.0.0 Ok: queued", StringComparison.Ordinal), sent.ToString());
                await host.KillAsync(); // SIGKILL right after the 250, with B still down
            }

            Assert.Single(Directory.GetFiles(Path.Combine(maildata, ".queue"), "*.eml"));
            var listing = await ExternalTool.RunAsync("dotnet", [HostProcess.HostDll, "queue", "--store", "maildir:" + maildata]);
            Assert.True(listing.ExitCode == 0, listing.ToString());
            Assert.Contains("1 message(s)", listing.Stdout, StringComparison.Ordinal);
            Assert.Contains("<demo@example.test>", listing.Stdout, StringComparison.Ordinal);
            // Whether the first attempt ran before the kill is a race: its diagnostic may or may not be there.
            Assert.Matches(@"pending +<someone@b\.test>( 4\.4\.1 x-mailkitserver; 451 4\.4\.1 connect to mx\.b\.test.*)?\n", listing.Stdout);
            await using var b = await RemoteReceiver.StartAsync(port);
            await using var restarted = await HostProcess.StartAsync(Arguments());
            await restarted.WaitForOutputAsync(l => l.Contains(": removed (", StringComparison.Ordinal));

            Assert.Equal(1, await b.CountAsync());
            Assert.Empty(Directory.GetFiles(Path.Combine(maildata, ".queue")));
        }
        finally
        {
            Directory.Delete(maildata, recursive: true);
        }
    }
}
