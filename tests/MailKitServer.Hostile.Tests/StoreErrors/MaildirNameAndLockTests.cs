using MailKitServer.Hostile.Tests.Support;
using MailKitServer.Imap;
using MailKitServer.Runtime;
using MailKitServer.Storage;
using MailKitServer.Storage.Maildir;
using MailKitServer.TestSupport;
using MailKitServer.Users.InMemory;
using Microsoft.Extensions.Logging;

namespace MailKitServer.Hostile.Tests.StoreErrors;

/// <summary>
/// Issue 15 item 6 on the Maildir store: a mailbox name too long for a directory name ended the IMAP session (the
/// PathTooLongException was taken for the client going away), after creating the parent levels; a lock file in a
/// deleted folder was retried 500 times; RENAME moved a folder under the feet of its background work.
/// </summary>
public sealed class MaildirNameAndLockTests
{
    [Theory]
    [InlineData(255)]
    [InlineData(300)]
    [InlineData(999)]
    public async Task CREATE_and_RENAME_to_a_name_too_long_for_the_disk_are_refused_CANNOT_before_anything_is_written(int length)
    {
        var root = Path.Combine(Path.GetTempPath(), "mks-hostile-" + Guid.NewGuid().ToString("N"));
        var logs = new CapturingLoggerFactory(LogLevel.Warning);
        var store = new MaildirMessageStore(new MaildirStoreOptions { Root = root });
        try
        {
            await using var server = await StartAsync(store, logs);
            await using var client = await LineClient.ConnectAsync(server.GetEndpoint("imap").EndPoint);
            await client.LoginAsync();
            var maildir = Path.Combine(Directory.GetDirectories(root).Single(), "Maildir");
            var before = Directory.GetDirectories(maildir).Order(StringComparer.Ordinal).ToArray();

            // Maildir++ makes the whole hierarchy one directory name: ".Parent.<long>" must fit 255 octets.
            // Names past 512 characters are not mailbox names at all (MailboxName.MaxLength); the disk's limit is
            // 255 octets for the whole Maildir++ directory name.
            var name = new string('x', length);
            static string Refused(string mailbox) => mailbox.Length > MailboxName.MaxLength ? "NO [CANNOT] Invalid mailbox name" : "NO [CANNOT] mailbox name too long";
            Assert.Equal("a " + Refused(name), await client.ImapAsync("a", $"CREATE {name}"));
            Assert.Equal("b " + Refused("Parent/" + name), await client.ImapAsync("b", $"CREATE Parent/{name}"));
            Assert.StartsWith("c OK", await client.ImapAsync("c", "CREATE Work"), StringComparison.Ordinal);
            Assert.Equal("d " + Refused(name), await client.ImapAsync("d", $"RENAME Work {name}"));
            Assert.Equal([.. before.Append(Path.Combine(maildir, ".Work")).Order(StringComparer.Ordinal)], Directory.GetDirectories(maildir).Order(StringComparer.Ordinal).ToArray());

            // The longest name that fits is taken (254 octets and the leading dot).
            Assert.StartsWith("e OK", await client.ImapAsync("e", $"RENAME Work {new string('y', 254)}"), StringComparison.Ordinal);
            Assert.StartsWith("f OK", await client.ImapAsync("f", "NOOP"), StringComparison.Ordinal);
            Assert.Empty(logs.Failures);
        }
        finally
        {
            await store.DisposeAsync();
            TempDirectories.Delete(root);
        }
    }

    [Fact]
    public async Task The_lock_file_of_a_deleted_folder_is_not_retried()
    {
        var gone = Path.Combine(Path.GetTempPath(), "mks-hostile-" + Guid.NewGuid().ToString("N"), ".Deleted");

        // Retried, it would wait 10 ms 500 times (seen ~45 times a second for 7 s after a DELETE).
        var attempt = MaildirFiles.AcquireLockAsync(Path.Combine(gone, "mailkitserver.lock"), CancellationToken.None);
        Assert.True(attempt.IsFaulted);
        await Assert.ThrowsAsync<DirectoryNotFoundException>(() => attempt);
    }

    [Fact]
    public async Task RENAME_of_a_folder_with_messages_moves_it_whole_and_nothing_comes_back_at_the_old_name()
    {
        var root = Path.Combine(Path.GetTempPath(), "mks-hostile-" + Guid.NewGuid().ToString("N"));
        var logs = new CapturingLoggerFactory(LogLevel.Warning);
        var store = new MaildirMessageStore(new MaildirStoreOptions { Root = root });
        try
        {
            await using var server = await StartAsync(store, logs);
            await using var client = await LineClient.ConnectAsync(server.GetEndpoint("imap").EndPoint);
            await client.LoginAsync();
            Assert.StartsWith("a OK", await client.ImapAsync("a", "CREATE Work"), StringComparison.Ordinal);
            for (var i = 0; i < 5; i++)
            {
                // Each APPEND schedules a background index save in the folder.
                await client.SendAsync($"p{i} APPEND Work {{9+}}\r\nSubject: \r\n");
                Assert.StartsWith($"p{i} OK", (await client.ReadTaggedAsync($"p{i}"))[^1], StringComparison.Ordinal);
            }

            Assert.StartsWith("r OK", await client.ImapAsync("r", "RENAME Work Done"), StringComparison.Ordinal);
            await store.FlushAsync();
            var maildir = Path.Combine(Directory.GetDirectories(root).Single(), "Maildir");
            Assert.False(Directory.Exists(Path.Combine(maildir, ".Work")));
            Assert.Equal(5, Directory.GetFiles(Path.Combine(maildir, ".Done", "cur")).Length);
            Assert.Equal("* STATUS \"Done\" (MESSAGES 5)", (await SendAndReadAsync(client, "s", "STATUS Done (MESSAGES)"))[0]);
            Assert.Empty(logs.Failures);
        }
        finally
        {
            await store.DisposeAsync();
            TempDirectories.Delete(root);
        }
    }

    private static async Task<List<string>> SendAndReadAsync(LineClient client, string tag, string command)
    {
        await client.SendAsync($"{tag} {command}\r\n");
        return await client.ReadTaggedAsync(tag);
    }

    private static async Task<MailServer> StartAsync(MaildirMessageStore store, ILoggerFactory logs)
    {
        var directory = new InMemoryUserDirectory();
        directory.AddUser("alice@example.test", "alice-pw");
        return await MailServer.CreateBuilder().UseStore(store).UseDirectory(directory).UseLoggerFactory(logs)
            .Configure(o => o.AllowInsecureAuthentication = true).AddImap(0).StartAsync();
    }
}
