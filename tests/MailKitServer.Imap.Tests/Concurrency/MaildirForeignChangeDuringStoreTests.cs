using MailKit;
using MailKit.Net.Imap;
using MailKitServer.Storage.Maildir;
using MailKitServer.TestSupport;

namespace MailKitServer.Imap.Tests.Concurrency;

/// <summary>
/// MailKit's ImapClient in IDLE on a Maildir INBOX while another MailKit session runs STORE 1:* and EXPUNGE over it, and
/// another program (mutt, an MDA) renames and drops files as soon as it sees those commands at work: the IDLE session
/// hears of the other program's changes too. The store recognises the watcher's events about its own renames and
/// deletions and no longer scans the folder after such a command (issue 24); another program's change, made while the
/// command held the folder, must still come through as the watcher's event about a name the store did not expect.
/// </summary>
public sealed class MaildirForeignChangeDuringStoreTests
{
    private const int Count = 600;
    private const string User = "alice@example.test";

    [Fact]
    public async Task An_IDLE_session_hears_of_another_programs_changes_made_while_a_STORE_and_an_EXPUNGE_ran()
    {
        var root = Directory.CreateTempSubdirectory("mks-foreign-store").FullName;
        var maildir = new MaildirMessageStore(new MaildirStoreOptions { Root = root });
        var inbox = Path.Combine(root, User, "Maildir");
        try
        {
            foreach (var sub in new[] { "cur", "new", "tmp" })
            {
                Directory.CreateDirectory(Path.Combine(inbox, sub));
            }

            for (var i = 1; i <= Count; i++)
            {
                File.WriteAllText(Path.Combine(inbox, "cur", $"1700000000.M{i:D6}P1.example,U={i}:2,"), $"Subject: m{i}\r\n\r\nbody\r\n");
            }

            await using var server = await TestMailServer.StartAsync(configure: b => b.UseStore(maildir));
            using var idler = await ConnectAsync(server.Imap.Port);
            using var worker = await ConnectAsync(server.Imap.Port);
            await idler.Inbox.OpenAsync(FolderAccess.ReadOnly);
            await worker.Inbox.OpenAsync(FolderAccess.ReadWrite);
            Assert.Equal(Count, idler.Inbox.Count);

            var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            idler.Inbox.MessageFlagsChanged += (_, e) =>
            {
                if (e.Index == 0 && e.Flags.HasFlag(MessageFlags.Seen))
                {
                    seen.TrySetResult();
                }
            };
            var dropped = CountReaches(idler.Inbox, Count + 1);
            var expunged = CountReaches(idler.Inbox, Count - (Count / 2) + 2);
            using var done = new CancellationTokenSource();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var idle = idler.IdleAsync(done.Token, timeout.Token);

            // STORE 1:* +FLAGS (\Flagged): at its first rename, the other program marks that message (1) \Seen in its
            // name and drops a new message into new/. The IDLE session hears of both.
            using (var other = new OtherProgram(Path.Combine(inbox, "cur"), ":2,F", path =>
            {
                File.Move(path, path + "S");
                Drop(inbox, "during-store");
            }))
            {
                await worker.Inbox.AddFlagsAsync(UniqueIdRange.All, MessageFlags.Flagged, silent: true);
                await other.Done.Task.WaitAsync(timeout.Token);
            }

            await seen.Task.WaitAsync(timeout.Token);
            await dropped.WaitAsync(timeout.Token);

            // EXPUNGE of the first half: at its first deletion the other program drops one more.
            await worker.Inbox.AddFlagsAsync(new UniqueIdRange(new UniqueId(1), new UniqueId(Count / 2)), MessageFlags.Deleted, silent: true);
            using (var other = new OtherProgram(Path.Combine(inbox, "cur"), null, _ => Drop(inbox, "during-expunge")))
            {
                await worker.Inbox.ExpungeAsync();
                await other.Done.Task.WaitAsync(timeout.Token);
            }

            await expunged.WaitAsync(timeout.Token);
            done.Cancel();
            await idle;
            Assert.Equal(Count - (Count / 2) + 2, idler.Inbox.Count);
            await idler.DisconnectAsync(true);
            await worker.DisconnectAsync(true);
        }
        finally
        {
            await maildir.DisposeAsync();
            TempDirectories.Delete(root);
        }
    }

    private static async Task<ImapClient> ConnectAsync(int port)
    {
        var imap = new ImapClient();
        await imap.ConnectAsync("127.0.0.1", port, MailKit.Security.SecureSocketOptions.None);
        await imap.AuthenticateAsync(User, "alice-pw");
        return imap;
    }

    private static void Drop(string inbox, string name)
    {
        var unique = $"1700000001.{name}.elsewhere";
        File.WriteAllText(Path.Combine(inbox, "tmp", unique), $"Subject: {name}\r\n\r\nfrom elsewhere\r\n");
        File.Move(Path.Combine(inbox, "tmp", unique), Path.Combine(inbox, "new", unique));
    }

    /// <summary>Completes when the folder's message count (EXISTS, EXPUNGE) reaches <paramref name="count"/>.</summary>
    private static Task CountReaches(IMailFolder folder, int count)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        folder.CountChanged += (_, _) =>
        {
            if (folder.Count == count)
            {
                reached.TrySetResult();
            }
        };
        return reached.Task;
    }

    /// <summary>
    /// Another program that acts once, as soon as it sees the store's command at work in cur/: at the first file renamed
    /// to a name ending in the given text, or (null) at the first file deleted.
    /// </summary>
    private sealed class OtherProgram : IDisposable
    {
        private readonly FileSystemWatcher _watcher;
        private int _acted;

        public OtherProgram(string cur, string? renamedTo, Action<string> act)
        {
            _watcher = new FileSystemWatcher(cur) { NotifyFilter = NotifyFilters.FileName };
            if (renamedTo is null)
            {
                _watcher.Deleted += (_, e) => Once(() => act(e.FullPath));
            }
            else
            {
                _watcher.Renamed += (_, e) =>
                {
                    if (e.FullPath.EndsWith(renamedTo, StringComparison.Ordinal))
                    {
                        Once(() => act(e.FullPath));
                    }
                };
            }

            _watcher.EnableRaisingEvents = true;
        }

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Dispose() => _watcher.Dispose();

        private void Once(Action act)
        {
            if (Interlocked.Exchange(ref _acted, 1) == 0)
            {
                try
                {
                    act();
                    Done.TrySetResult();
                }
                catch (Exception ex)
                {
                    Done.TrySetException(ex);
                }
            }
        }
    }
}
