using System.Globalization;
using MailKitServer.TestSupport;

namespace MailKitServer.Interop.Tests.Host;

/// <summary>
/// The host's <c>--quota ADDR=KB[,MESSAGES]</c> (per-user limits kept by the directory) seen through Python's
/// imaplib: GETQUOTAROOT reports them, an APPEND past them gets NO [OVERQUOTA]; on both stores the host offers locally.
/// </summary>
public class HostQuotaTests
{
    private const string Script = """
        import imaplib, sys
        m = imaplib.IMAP4("127.0.0.1", int(sys.argv[1]))
        m.login("dora@corp.test", "dora-pw")
        typ, data = m.getquotaroot("INBOX"); assert typ == "OK", (typ, data)
        assert data == [[b'"INBOX" "dora@corp.test"'], [b'"dora@corp.test" (STORAGE 0 2 MESSAGE 0 3)']], data
        body = b"Subject: q\r\n\r\n" + b"x" * 1200 + b"\r\n"
        typ, data = m.append("INBOX", None, None, body); assert typ == "OK", (typ, data)
        typ, data = m.append("INBOX", None, None, body)
        assert typ == "NO" and data[0].startswith(b"[OVERQUOTA]"), (typ, data)
        typ, data = m.getquota('"dora@corp.test"'); assert data == [b'"dora@corp.test" (STORAGE 2 2 MESSAGE 1 3)'], data
        m.logout()
        print("ok")
        """;

    [Theory]
    [InlineData("memory")]
    [InlineData("maildir")]
    public async Task Imaplib_sees_the_quota_given_on_the_command_line_and_is_refused_past_it(string store)
    {
        var root = Directory.CreateTempSubdirectory("mks-host-quota").FullName;
        try
        {
            await using var host = await HostProcess.StartAsync(
                "--store", store == "memory" ? "memory" : "maildir:" + root, "--smtp-port", "-1", "--submission-port", "-1", "--smtps-port", "-1",
                "--pop3-port", "-1", "--pop3s-port", "-1", "--imap-port", "0", "--imaps-port", "-1", "--managesieve-port", "-1", "--http-port", "-1",
                "--insecure-auth", "--user", "dora@corp.test:dora-pw", "--quota", "dora@corp.test=2,3");
            Assert.Contains("quota dora@corp.test storage 2048 messages 3", host.Output);

            var r = await ExternalTool.PythonAsync(Script, host.Listeners["imap"].Port.ToString(CultureInfo.InvariantCulture));
            Assert.True(r.ExitCode == 0 && r.Stdout.Contains("ok", StringComparison.Ordinal), r.ToString());
            Assert.Equal(0, await host.TerminateAsync());
        }
        finally
        {
            TempDirectories.Delete(root);
        }
    }

    [Fact]
    public async Task A_malformed_quota_flag_is_refused_with_its_syntax()
    {
        var r = await ExternalTool.RunAsync("dotnet", [HostProcess.HostDll, "--quota", "dora@corp.test=lots"]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--quota: 'dora@corp.test=lots' is not ADDR=KB[,MESSAGES]", r.Stderr, StringComparison.Ordinal);
    }
}
