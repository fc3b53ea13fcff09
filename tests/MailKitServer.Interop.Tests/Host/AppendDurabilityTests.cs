using System.Globalization;
using MailKitServer.TestSupport;

namespace MailKitServer.Interop.Tests.Host;

/// <summary>
/// What an APPEND's tagged OK promises is on disk: the host on a Maildir is stopped (SIGTERM) or killed (SIGKILL) the
/// moment Python's imaplib has the OK, and after a restart the message has its INTERNALDATE, zone included, and its
/// keywords.
/// </summary>
public class AppendDurabilityTests
{
    private const string AppendScript = """
        import imaplib, sys
        m = imaplib.IMAP4("127.0.0.1", int(sys.argv[1]))
        m.login("carol@example.test", "carol-pw")
        typ, data = m.append("INBOX", r"(\Flagged $Work)", '"02-Jan-2024 03:04:05 +0200"', b"Subject: durable\r\n\r\nappended body\r\n")
        assert typ == "OK", (typ, data)
        print("appended", data[0].decode())
        """;

    private const string FetchScript = """
        import imaplib, sys
        m = imaplib.IMAP4("127.0.0.1", int(sys.argv[1]))
        m.login("carol@example.test", "carol-pw")
        typ, data = m.select("INBOX", readonly=True)
        assert data[0] == b"1", data
        typ, data = m.fetch("1", "(INTERNALDATE FLAGS)")
        print(data[0].decode())
        m.logout()
        """;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Internal_date_and_keywords_of_an_append_survive_a_stop_right_after_the_ok(bool kill)
    {
        var maildata = Directory.CreateTempSubdirectory("mks-append-durable").FullName;
        try
        {
            string[] arguments =
            [
                "--store", "maildir:" + maildata, "--user", "carol@example.test:carol-pw", "--insecure-auth",
                "--imap-port", "0", "--smtp-port", "-1", "--submission-port", "-1", "--smtps-port", "-1", "--pop3-port", "-1", "--pop3s-port", "-1", "--imaps-port", "-1",
            ];
            await using (var host = await HostProcess.StartAsync(arguments))
            {
                var appended = await ExternalTool.PythonAsync(AppendScript, Port(host));
                Assert.True(appended.ExitCode == 0, appended.ToString());
                if (kill)
                {
                    await host.KillAsync();
                }
                else
                {
                    Assert.Equal(0, await host.TerminateAsync());
                }
            }

            await using var restarted = await HostProcess.StartAsync(arguments);
            var fetched = await ExternalTool.PythonAsync(FetchScript, Port(restarted));
            Assert.True(fetched.ExitCode == 0, fetched.ToString());
            Assert.Contains("INTERNALDATE \"02-Jan-2024 03:04:05 +0200\"", fetched.Stdout, StringComparison.Ordinal);
            Assert.Contains("\\Flagged", fetched.Stdout, StringComparison.Ordinal);
            Assert.Contains("$Work", fetched.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            TempDirectories.Delete(maildata);
        }
    }

    private static string Port(HostProcess host) => host.Listeners["imap"].Port.ToString(CultureInfo.InvariantCulture);
}
