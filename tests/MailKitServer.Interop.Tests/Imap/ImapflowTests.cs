using System.Globalization;
using MailKitServer.TestSupport;

namespace MailKitServer.Interop.Tests.Imap;

/// <summary>Node's imapflow (npm, 2.1.2), a modern IMAP client, through its usual flow.</summary>
public class ImapflowTests
{
    [Fact]
    public async Task Imapflow_lists_searches_fetches_flags_moves_and_appends()
    {
        await using var server = await TestMailServer.StartAsync();
        await server.AppendAsync("alice@example.test", "From: Flow <flow@remote.test>\r\nSubject: imapflow test\r\n\r\nhello from the flow\r\n");
        await server.AppendAsync("alice@example.test", "Subject: other\r\n\r\nx\r\n");
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root!.FullName, "MailKitServer.sln")))
        {
            root = root.Parent;
        }

        // test.sh installs the package here with npm.
        var directory = Path.Combine(root.FullName, "tests", "MailKitServer.Interop.Tests", "node");
        var r = await ExternalTool.RunAsync("node", ["imapflow-flow.mjs", server.Imap.Port.ToString(CultureInfo.InvariantCulture), "alice@example.test", "alice-pw"], workingDirectory: directory, timeout: TimeSpan.FromSeconds(60));
        Assert.True(r.ExitCode == 0 && r.Stdout.Contains("ok", StringComparison.Ordinal), r.ToString());
        Assert.Single(await server.InboxAsync("alice@example.test", "Archive"));
        Assert.Single(await server.InboxAsync("alice@example.test"));
    }
}
