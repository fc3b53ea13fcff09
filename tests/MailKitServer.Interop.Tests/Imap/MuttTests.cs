using System.Globalization;
using System.Text;
using MailKitServer.TestSupport;

namespace MailKitServer.Interop.Tests.Imap;

/// <summary>mutt, driven in batch through a pseudo-terminal: it logs in (SCRAM-SHA-256, its own choice), reads a message and saves it to another folder.</summary>
public class MuttTests
{
    [Fact]
    public async Task Mutt_reads_a_message_and_saves_it_to_another_folder()
    {
        await using var server = await TestMailServer.StartAsync();
        await server.AppendAsync("bob@example.test", "From: sender@remote.test\r\nTo: bob@example.test\r\nSubject: for mutt\r\n\r\nmutt body text\r\n");
        var dir = Directory.CreateTempSubdirectory("mks-mutt-").FullName;
        try
        {
            var output = Path.Combine(dir, "piped.eml");
            var port = server.Imap.Port.ToString(CultureInfo.InvariantCulture);
            var settings = $"set ssl_starttls=no ssl_force_tls=no imap_user=bob@example.test imap_pass=bob-pw folder=imap://127.0.0.1:{port}/ spoolfile=+INBOX quit=yes wait_key=no confirmappend=no delete=yes";
            var keys = $"push \"<pipe-message>cat > {output}<enter><save-message>=Archive<enter><sync-mailbox><quit>\"";
            var command = $"mutt -n -F /dev/null -e '{settings}' -e '{keys}'";
            var r = await ExternalTool.RunAsync("script", ["-qec", command, "/dev/null"], environment: new Dictionary<string, string> { ["TERM"] = "xterm", ["HOME"] = dir }, timeout: TimeSpan.FromSeconds(60));
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.EndsWith("Subject: for mutt\r\n\r\nmutt body text\r\n", (await File.ReadAllTextAsync(output)).Replace("\r\n", "\n", StringComparison.Ordinal).Replace("\n", "\r\n", StringComparison.Ordinal), StringComparison.Ordinal);
            Assert.Contains("mutt body text", Encoding.UTF8.GetString(Assert.Single(await server.InboxAsync("bob@example.test", "Archive"))), StringComparison.Ordinal);
            Assert.Empty(await server.InboxAsync("bob@example.test"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
