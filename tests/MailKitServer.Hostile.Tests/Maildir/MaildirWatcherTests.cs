using System.Net;
using MailKitServer.Hostile.Tests.Support;
using MailKitServer.Imap;
using MailKitServer.Runtime;
using MailKitServer.Storage;
using MailKitServer.Storage.Maildir;
using MailKitServer.TestSupport;
using MailKitServer.Users.InMemory;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace MailKitServer.Hostile.Tests.Maildir;

/// <summary>
/// Issue 15 item 5: each selected Maildir folder took two inotify instances (a watcher on new/ and one on cur/);
/// Debian allows a user 128, shared with all the user's processes, so SELECT #65 dropped the connection with no reply.
/// The store now has one watcher for its whole root, and polls when no watcher can be had.
/// </summary>
[Collection(MemoryCollection.Name)]
public sealed class MaildirWatcherTests(ITestOutputHelper output)
{
    private const int Folders = 1000;

    [Fact]
    public async Task A_thousand_folders_selected_at_once_by_a_thousand_sessions_and_a_file_dropped_into_one_is_pushed_to_its_IDLE()
    {
        var root = TempRoot();
        var logs = new CapturingLoggerFactory(LogLevel.Warning);
        var store = new MaildirMessageStore(new MaildirStoreOptions { Root = root, LoggerFactory = logs });
        var clients = new LineClient[Folders];
        try
        {
            await CreateFoldersAsync(store);
            var inotifyBefore = InotifyInstances();
            await using var server = await StartAsync(store, logs);
            var endpoint = server.GetEndpoint("imap").EndPoint;

            // Every session selects its own folder and keeps it: 1,000 folders open at once. Fifty connect at a time.
            var started = DateTime.UtcNow;
            for (var batch = 0; batch < Folders; batch += 50)
            {
                await Task.WhenAll(Enumerable.Range(batch, 50).Select(async i =>
                {
                    clients[i] = await LineClient.ConnectAsync(endpoint);
                    await clients[i].LoginAsync();
                    var select = await clients[i].ImapAsync("s", "SELECT " + FolderName(i));
                    Assert.StartsWith("s OK [READ-WRITE]", select, StringComparison.Ordinal);
                }));
            }

            var inotifyAfter = InotifyInstances();
            output.WriteLine($"{Folders} folders selected at once in {(DateTime.UtcNow - started).TotalSeconds:F1} s; inotify instances of the process {inotifyBefore} -> {inotifyAfter}");
            Assert.False(store.Watcher.IsPolling);
            Assert.True(inotifyAfter - inotifyBefore <= 1, $"{inotifyAfter - inotifyBefore} inotify instances for {Folders} open folders");

            // Another program (an MDA such as Postfix's local or procmail) delivers into the last folder: tmp/, then
            // renamed into new/. Its IDLE session hears of it without asking.
            var last = clients[Folders - 1];
            await last.SendAsync("i IDLE\r\n");
            Assert.StartsWith("+", await last.ReadLineAsync(), StringComparison.Ordinal);
            DropMessage(root, FolderName(Folders - 1));
            Assert.Equal("* 1 EXISTS", await last.ReadLineAsync());
            await last.SendAsync("DONE\r\n");
            Assert.StartsWith("i OK", (await last.ReadTaggedAsync("i"))[^1], StringComparison.Ordinal);

            // The first session's folder is still watched too, and every session still answers.
            Assert.StartsWith("n OK", await clients[0].ImapAsync("n", "NOOP"), StringComparison.Ordinal);
            Assert.Empty(logs.Failures);
        }
        finally
        {
            foreach (var client in clients.OfType<LineClient>())
            {
                await client.DisposeAsync();
            }

            await store.DisposeAsync();
            TempDirectories.Delete(root);
        }
    }

    [Fact]
    public async Task Without_a_watcher_the_store_says_so_at_Warning_and_polls_the_open_folders_on_its_clock()
    {
        var root = TempRoot();
        var logs = new CapturingLoggerFactory(LogLevel.Warning);
        var time = new ManualTimeProvider();
        var store = new MaildirMessageStore(new MaildirStoreOptions
        {
            Root = root,
            LoggerFactory = logs,
            TimeProvider = time,

            // What FileSystemWatcher throws on Linux when the user's inotify instances are used up.
            CreateWatcher = _ => throw new IOException("The configured user limit (128) on the number of inotify instances has been reached."),
        });
        try
        {
            var account = await store.OpenAccountAsync("alice@example.test", default);
            Assert.Equal(StoreStatus.Success, (await account.CreateAsync("Lists", MailboxRole.None, default)).Status);
            await using var server = await StartAsync(store, logs);
            await using var client = await LineClient.ConnectAsync(server.GetEndpoint("imap").EndPoint);
            await client.LoginAsync();
            var polling = time.WaitForArmedAsync(d => d == TimeSpan.FromSeconds(2));
            Assert.StartsWith("s OK [READ-WRITE]", await client.ImapAsync("s", "SELECT Lists"), StringComparison.Ordinal);
            await polling;
            Assert.True(store.Watcher.IsPolling);
            var warning = Assert.Single(logs.Entries, e => e.EventId == 1600);
            Assert.Equal(LogLevel.Warning, warning.Level);
            Assert.Contains("inotify instances", warning.Message, StringComparison.Ordinal);

            await client.SendAsync("i IDLE\r\n");
            Assert.StartsWith("+", await client.ReadLineAsync(), StringComparison.Ordinal);
            DropMessage(root, "Lists");
            time.Advance(TimeSpan.FromSeconds(2));
            Assert.Equal("* 1 EXISTS", await client.ReadLineAsync());
            await client.SendAsync("DONE\r\n");
            Assert.StartsWith("i OK", (await client.ReadTaggedAsync("i"))[^1], StringComparison.Ordinal);

            // Once no folder is open the polling stops.
            Assert.StartsWith("c OK", await client.ImapAsync("c", "CLOSE"), StringComparison.Ordinal);
            Assert.False(store.Watcher.IsPolling);
        }
        finally
        {
            await store.DisposeAsync();
            TempDirectories.Delete(root);
        }
    }

    private static string FolderName(int i) => $"F{i:D4}";

    private static string TempRoot() => Path.Combine(Path.GetTempPath(), "mks-hostile-" + Guid.NewGuid().ToString("N"));

    private static async Task CreateFoldersAsync(MaildirMessageStore store)
    {
        var account = await store.OpenAccountAsync("alice@example.test", default);
        for (var i = 0; i < Folders; i++)
        {
            Assert.Equal(StoreStatus.Success, (await account.CreateAsync(FolderName(i), MailboxRole.None, default)).Status);
        }
    }

    private static async Task<MailServer> StartAsync(MaildirMessageStore store, ILoggerFactory logs)
    {
        var directory = new InMemoryUserDirectory();
        directory.AddUser("alice@example.test", "alice-pw");
        return await MailServer.CreateBuilder().UseStore(store).UseDirectory(directory).UseLoggerFactory(logs)
            .Configure(o =>
            {
                o.AllowInsecureAuthentication = true;
                // A thousand logins of one account from one address, fifty at a time, with the login throttle's
                // defaults: right passwords give their turns back at once (they were once charged as failures while
                // under way, and this test had to raise the limits).
                o.MaxConnectionsPerAddress = 2 * Folders;
            }).AddImap(0).StartAsync();
    }

    /// <summary>Delivers a message the way every Maildir writer does: written in tmp/, then renamed into new/.</summary>
    private static void DropMessage(string root, string folder)
    {
        var maildir = Directory.GetDirectories(root).Single();
        var path = Path.Combine(maildir, "Maildir", "." + folder);
        var name = $"{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}.P{Environment.ProcessId}Q1.mda.test";
        var temp = Path.Combine(path, "tmp", name);
        File.WriteAllText(temp, "From: mda@example.test\r\nTo: alice@example.test\r\nSubject: dropped in\r\n\r\nHello.\r\n");
        File.Move(temp, Path.Combine(path, "new", name));
    }

    /// <summary>How many inotify instances this process holds (its descriptors that are inotify instances).</summary>
    private static int InotifyInstances() =>
        Directory.EnumerateFileSystemEntries("/proc/self/fd").Count(fd =>
        {
            try
            {
                return new FileInfo(fd).LinkTarget == "anon_inode:inotify";
            }
            catch (IOException)
            {
                return false;
            }
        });
}
