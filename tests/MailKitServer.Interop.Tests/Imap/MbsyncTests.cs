using System.Globalization;
using System.Text;
using MailKitServer.TestSupport;

namespace MailKitServer.Interop.Tests.Imap;

/// <summary>mbsync (isync) synchronising the server with a local Maildir, both ways.</summary>
public class MbsyncTests
{
    [Fact]
    public async Task Mbsync_pulls_folders_and_messages_and_pushes_new_ones()
    {
        await using var server = await TestMailServer.StartAsync();
        await server.AppendAsync("alice@example.test", "From: a@remote.test\r\nSubject: one\r\n\r\nfirst\r\n");
        await server.AppendAsync("alice@example.test", "From: a@remote.test\r\nSubject: two\r\n\r\nsecond\r\n");
        await server.AppendAsync("alice@example.test", "Subject: sent one\r\n\r\nx\r\n", "Sent");
        var dir = Directory.CreateTempSubdirectory("mks-mbsync-").FullName;
        try
        {
            var local = Path.Combine(dir, "mail");
            Directory.CreateDirectory(local);
            var rc = Path.Combine(dir, "mbsyncrc");
            await File.WriteAllTextAsync(rc, $"""
                IMAPAccount acc
                Host 127.0.0.1
                Port {server.Imap.Port.ToString(CultureInfo.InvariantCulture)}
                User alice@example.test
                Pass alice-pw
                SSLType None
                AuthMechs LOGIN

                IMAPStore remote
                Account acc

                MaildirStore local
                Path {local}/
                Inbox {local}/INBOX
                SubFolders Verbatim

                Channel ch
                Far :remote:
                Near :local:
                Patterns *
                Create Both
                SyncState *
                """);
            var first = await ExternalTool.RunAsync("mbsync", ["-c", rc, "-a"]);
            Assert.True(first.ExitCode == 0, first.ToString());
            var inbox = Directory.GetFiles(Path.Combine(local, "INBOX", "cur")).Concat(Directory.GetFiles(Path.Combine(local, "INBOX", "new"))).ToList();
            Assert.Equal(2, inbox.Count);
            Assert.Contains(inbox, f => File.ReadAllText(f).Contains("Subject: two", StringComparison.Ordinal));
            Assert.Single(Directory.GetFiles(Path.Combine(local, "Sent", "cur")).Concat(Directory.GetFiles(Path.Combine(local, "Sent", "new"))));

            // A message written locally is uploaded; a local flag change is pushed.
            await File.WriteAllTextAsync(Path.Combine(local, "INBOX", "new", "1700000000.local.host"), "From: me@example.test\r\nSubject: written locally\r\n\r\nlocal body\r\n");
            var seen = inbox[0];
            File.Move(seen, Path.Combine(Path.GetDirectoryName(seen)!.Replace("/new", "/cur", StringComparison.Ordinal), Path.GetFileName(seen).Split(":2,")[0] + ":2,S"));
            Directory.CreateDirectory(Path.Combine(local, "Travel", "cur"));
            Directory.CreateDirectory(Path.Combine(local, "Travel", "new"));
            Directory.CreateDirectory(Path.Combine(local, "Travel", "tmp"));
            var second = await ExternalTool.RunAsync("mbsync", ["-c", rc, "-a"]);
            Assert.True(second.ExitCode == 0, second.ToString());

            var messages = (await server.InboxAsync("alice@example.test")).Select(m => Encoding.UTF8.GetString(m)).ToList();
            Assert.Equal(3, messages.Count);
            Assert.Contains(messages, m => m.Contains("Subject: written locally", StringComparison.Ordinal));
            await using var account = await server.Store.OpenAccountAsync("alice@example.test", default);
            Assert.Contains((await account.ListAsync(default)), m => m.Name == "Travel");
            await using var view = await account.OpenAsync("INBOX", true, default);
            Assert.Contains(view!.Messages, m => (m.Flags & Storage.SystemFlags.Seen) != 0);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
