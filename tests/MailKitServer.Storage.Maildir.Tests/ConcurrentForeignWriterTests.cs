using Xunit.Abstractions;

namespace MailKitServer.Storage.Maildir.Tests;

/// <summary>
/// Two sessions of this process change a folder (STORE, EXPUNGE, APPEND) while another program drops, renames and
/// deletes its files, all at once, in a random order (the seed is printed). When everybody stops, what a third session
/// sees (its snapshot plus its change feed, as IMAP IDLE and NOOP report it) comes to match the files on disk, without
/// any further command: nothing another program did while the folder's own commands ran is lost (issue 24: the
/// watcher's events about the folder's own changes are recognised and dropped, and no scan follows a command).
/// </summary>
public sealed class ConcurrentForeignWriterTests(ITestOutputHelper output) : IDisposable
{
    private const string User = "race@example.test";
    private readonly string _root = Directory.CreateTempSubdirectory("mks-race-").FullName;

    public void Dispose() => MailKitServer.TestSupport.TempDirectories.Delete(_root);

    [Theory]
    [InlineData(1, false)]
    [InlineData(2, false)]
    [InlineData(3, false)]
    [InlineData(4, true)]
    public async Task What_a_session_sees_comes_to_match_the_disk_after_sessions_and_another_program_changed_the_folder_at_once(int round, bool fileSystemWatcher)
    {
        var seed = Environment.TickCount ^ round;
        output.WriteLine($"seed {seed}, {(fileSystemWatcher ? "FileSystemWatcher" : "inotify")}");
        await using var store = new MaildirMessageStore(new MaildirStoreOptions
        {
            Root = _root,
            CreateWatcher = fileSystemWatcher ? root => new FileSystemWatcher(root) : null,
        });
        await using var account = (MaildirAccount)await store.OpenAccountAsync(User, default);
        await using var a = (await account.OpenAsync("INBOX", false, default))!;
        await using var b = (await account.OpenAsync("INBOX", false, default))!;
        await using var watcher = (await account.OpenAsync("INBOX", true, default))!;
        var folder = account.Folder("INBOX")!;
        var seen = watcher.Messages.ToDictionary(m => m.Uid, m => m.Flags);
        for (var i = 0; i < 40; i++)
        {
            await AppendAsync(a, i);
        }

        // The other program goes on a little after the sessions stopped: its last changes are noticed by nobody's
        // command, only through the watcher.
        var sessions = Task.WhenAll(Task.Run(() => SessionAsync(a, new Random(seed))), Task.Run(() => SessionAsync(b, new Random(seed + 1))));
        await Task.WhenAll(sessions, Task.Run(() => ForeignAsync(folder.Path, new Random(seed + 2), sessions)));

        // A change the session need not hear of may come last (a second name of one file removed: see
        // DuplicateNameTests): when nothing comes for a while, the disk is looked at again.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!Same(seen, OnDisk(folder.Path)))
        {
            using var quiet = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            var change = await ReadOrNullAsync(watcher, quiet.Token);
            if (change is null && DateTime.UtcNow < deadline)
            {
                continue;
            }

            if (change is null)
            {
                // Names still expected as the folder's own after everybody stopped would have swallowed another
                // program's change (the watcher took its event for the folder's own).
                Assert.Fail($"seed {seed}: after 30 s the session sees {seen.Count} messages ({string.Join(",", seen.Values.Order())}), the disk has "
                    + $"{OnDisk(folder.Path).Count} ({string.Join(",", OnDisk(folder.Path).Order())}); names still expected as the folder's own: {folder.OwnChanges.Pending}");
                return;
            }

            switch (change.Kind)
            {
                case MailboxChangeKind.Expunged:
                    seen.Remove(change.Uid);
                    break;
                case MailboxChangeKind.Added or MailboxChangeKind.FlagsChanged:
                    seen[change.Uid] = change.Message!.Flags;
                    break;
            }
        }
    }

    private static async Task<MailboxChange?> ReadOrNullAsync(IMailboxView view, CancellationToken cancellationToken)
    {
        try
        {
            return await view.Changes.ReadAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>A session's commands: STORE of flags on a few messages, EXPUNGE, APPEND.</summary>
    private static async Task SessionAsync(IMailboxView view, Random random)
    {
        for (var i = 0; i < 60; i++)
        {
            var uids = UidSet.FromRanges([new UidRange(1, (uint)(40 + i))]);
            try
            {
                switch (random.Next(4))
                {
                    case 0:
                        await view.StoreFlagsAsync(UidSet.FromUids(Enumerable.Range(1, 60).Where(_ => random.Next(3) == 0).Select(u => (uint)u)), new FlagChange(random.Next(2) == 0 ? FlagChangeMode.Add : FlagChangeMode.Remove, SystemFlags.Flagged, []), null, default);
                        break;
                    case 1:
                        await view.StoreFlagsAsync(UidSet.FromUids([(uint)random.Next(1, 60)]), new FlagChange(FlagChangeMode.Add, SystemFlags.Deleted, []), null, default);
                        await view.ExpungeAsync(null, default);
                        break;
                    case 2:
                        await AppendAsync(view, 100 + i);
                        break;
                    default:
                        await view.StoreFlagsAsync(uids, new FlagChange(FlagChangeMode.Add, SystemFlags.Seen, []), null, default);
                        break;
                }
            }
            catch (IOException)
            {
                // The other program moved or removed a file the command was changing (the command fails; the folder
                // finds out what happened).
            }
        }
    }

    /// <summary>Another program: drops files into new/, changes the flags in names in cur/ (mutt, Dovecot), deletes files.</summary>
    private static async Task ForeignAsync(string folder, Random random, Task sessions)
    {
        for (var i = 0; i < 150 || !sessions.IsCompleted || i % 150 < 20; i++)
        {
            var files = Directory.GetFiles(Path.Combine(folder, "cur"));
            try
            {
                switch (random.Next(3))
                {
                    case 0:
                        var unique = $"1700000000.M{i}R{random.Next()}.elsewhere";
                        await File.WriteAllTextAsync(Path.Combine(folder, "tmp", unique), $"Subject: foreign {i}\r\n\r\nfrom elsewhere\r\n");
                        File.Move(Path.Combine(folder, "tmp", unique), Path.Combine(folder, "new", unique));
                        break;
                    case 1 when files.Length > 0:
                        var path = files[random.Next(files.Length)];
                        File.Move(path, path.Contains('S', StringComparison.Ordinal) && path.EndsWith('S') ? path[..^1] : path + (path.Contains(":2,", StringComparison.Ordinal) ? "S" : ":2,S"));
                        break;
                    case 2 when files.Length > 0:
                        File.Delete(files[random.Next(files.Length)]);
                        break;
                }
            }
            catch (IOException)
            {
                // One of the sessions renamed or removed that file first.
            }
        }
    }

    private static async Task AppendAsync(IMailboxView view, int i)
    {
        using var content = new MemoryStream(System.Text.Encoding.ASCII.GetBytes($"Subject: m{i}\r\n\r\nbody {i}\r\n"));
        Assert.Equal(StoreStatus.Success, (await view.AppendAsync(content, SystemFlags.None, [], null, default)).Status);
    }

    /// <summary>The flags of every message file in new/ and cur/, as their names say.</summary>
    private static List<SystemFlags> OnDisk(string folder) =>
        [.. new[] { "new", "cur" }.SelectMany(sub => Directory.GetFiles(Path.Combine(folder, sub)).Select(f => MaildirFileName.Flags(Path.Combine(sub, Path.GetFileName(f)))))];

    private static bool Same(Dictionary<uint, SystemFlags> seen, List<SystemFlags> disk) =>
        seen.Values.Order().SequenceEqual(disk.Order());
}
