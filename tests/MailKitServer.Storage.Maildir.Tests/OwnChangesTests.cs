namespace MailKitServer.Storage.Maildir.Tests;

/// <summary>
/// While a folder is open (watched), the watcher's events about the folder's own renames, deletions and deliveries are
/// recognised as its own and dropped, and a command needs no scan of the folder after it to find what another program
/// did meanwhile: that program's change arrives as an event about a name the folder did not expect, and the folder
/// looks at its files because of it, whatever its directories' times say (issue 24: a STORE over 20,000 messages was
/// followed by a scan of 20,000 files). Each test here awaits a change on a second view (another session), never a
/// delay.
/// </summary>
public sealed class OwnChangesTests : IDisposable
{
    private const string User = "own@example.test";
    private static int _sequence;
    private readonly string _root = Directory.CreateTempSubdirectory("mks-own-").FullName;

    public void Dispose() => MailKitServer.TestSupport.TempDirectories.Delete(_root);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_STORE_on_an_open_folder_is_not_followed_by_a_scan_and_its_events_are_all_taken_as_its_own(bool fileSystemWatcher)
    {
        await using var store = new MaildirMessageStore(Options(fileSystemWatcher));
        await using var account = (MaildirAccount)await store.OpenAccountAsync(User, default);
        await using var ours = (await account.OpenAsync("INBOX", false, default))!;
        await using var other = (await account.OpenAsync("INBOX", false, default))!;
        var folder = account.Folder("INBOX")!;
        var uids = await AppendAsync(ours, 50);
        await DropAndAwaitAsync(folder, other); // every event before it (the appends') has been handled

        var looks = folder.Looks;
        var stored = await ours.StoreFlagsAsync(UidSet.FromUids(uids), new FlagChange(FlagChangeMode.Add, SystemFlags.Flagged, []), null, default);
        Assert.Equal(50, stored.Changed.Count);
        await folder.WhenIdleAsync(); // a verifying scan after the command would have run by now
        await DropAndAwaitAsync(folder, other);
        await folder.WhenIdleAsync();

        // One look: the dropped file's. None after the STORE, none for its 100 events.
        Assert.Equal(looks + 1, folder.Looks);
        Assert.Equal(0, folder.OwnChanges.Pending);
    }

    [Fact]
    public async Task Selecting_the_only_open_folder_again_keeps_the_one_inotify_reader_and_the_folder_stays_live()
    {
        await using var store = new MaildirMessageStore(Options(fileSystemWatcher: false));
        await using var account = (MaildirAccount)await store.OpenAccountAsync(User, default);
        var folder = account.Folder("INBOX")!;

        // What a client's SELECT of the folder it has selected does: the folder's last view closes, a new one opens.
        for (var i = 0; i < 5; i++)
        {
            await (await account.OpenAsync("INBOX", false, default))!.DisposeAsync();
        }

        await using var ours = (await account.OpenAsync("INBOX", false, default))!;
        await using var other = (await account.OpenAsync("INBOX", false, default))!;
        Assert.Equal(1, store.Watcher.Started);
        Assert.True(folder.OwnChanges.LiveEpoch >= 0);

        // Watched live as before: an own STORE makes no look, another program's drop is seen.
        var uids = await AppendAsync(ours, 5);
        await DropAndAwaitAsync(folder, other);
        var looks = folder.Looks;
        await ours.StoreFlagsAsync(UidSet.FromUids(uids), new FlagChange(FlagChangeMode.Add, SystemFlags.Seen, []), null, default);
        await DropAndAwaitAsync(folder, other);
        await folder.WhenIdleAsync();
        Assert.Equal(looks + 1, folder.Looks);
    }

    [Theory]
    [InlineData("drop", false)]
    [InlineData("rename", false)]
    [InlineData("delete", false)]
    [InlineData("drop", true)]
    [InlineData("rename", true)]
    [InlineData("delete", true)]
    public async Task Another_programs_change_during_a_STORE_is_seen_by_another_session(string what, bool fileSystemWatcher)
    {
        await using var store = new MaildirMessageStore(Options(fileSystemWatcher));
        await using var account = (MaildirAccount)await store.OpenAccountAsync(User, default);
        await using var ours = (await account.OpenAsync("INBOX", false, default))!;
        await using var other = (await account.OpenAsync("INBOX", false, default))!;
        var folder = account.Folder("INBOX")!;
        await AppendAsync(ours, 20);

        // The STORE's renames, with the other program's change half-way through them, in one hold of the folder.
        uint victim = 0;
        await folder.WithLockAsync(
            () =>
            {
                using var directories = folder.OpenDirectories();
                foreach (var m in folder.Messages.ToList())
                {
                    folder.SetFlags(m, SystemFlags.Flagged, m.Keywords, ours.ViewId, directories);
                    if (m.Uid == 10)
                    {
                        victim = Foreign(folder, what);
                    }
                }

                return 0;
            },
            save: true,
            default);

        var change = await NextAsync(other, c => c.Origin == 0 && c.Kind != MailboxChangeKind.FlagsChanged || c.Message?.Flags.HasFlag(SystemFlags.Seen) == true);
        switch (what)
        {
            case "drop":
                Assert.Equal(MailboxChangeKind.Added, change.Kind);
                break;
            case "rename":
                Assert.Equal((MailboxChangeKind.FlagsChanged, victim), (change.Kind, change.Uid));
                Assert.Equal(SystemFlags.Seen | SystemFlags.Flagged, change.Message!.Flags);
                break;
            default:
                Assert.Equal((MailboxChangeKind.Expunged, victim), (change.Kind, change.Uid));
                break;
        }
    }

    [Fact]
    public async Task A_large_EXPUNGE_deletes_its_files_from_several_threads_and_every_event_and_change_is_as_one_threads()
    {
        await using var store = new MaildirMessageStore(Options(fileSystemWatcher: false));
        await using var account = (MaildirAccount)await store.OpenAccountAsync(User, default);
        await using var ours = (await account.OpenAsync("INBOX", false, default))!;
        await using var other = (await account.OpenAsync("INBOX", false, default))!;
        var folder = account.Folder("INBOX")!;
        var uids = await AppendAsync(ours, 300);
        var doomed = uids.Skip(20).Take(260).ToList();
        Assert.True(MaildirBatchDeletion.ThreadsFor(doomed.Count) > 1);
        await ours.StoreFlagsAsync(UidSet.FromUids(doomed), new FlagChange(FlagChangeMode.Add, SystemFlags.Deleted, []), null, default);
        var kept = uids.Except(doomed).Select(u => Path.GetFileName(folder.Find(u)!.RelativePath)).Order(StringComparer.Ordinal).ToList();
        await DropAndAwaitAsync(folder, other); // every event before it (the appends' and the STORE's) has been handled
        await folder.WhenIdleAsync();
        var looks = folder.Looks;

        var result = await ours.ExpungeAsync(null, default);

        Assert.Equal(StoreStatus.Success, result.Status);
        Assert.Equal(doomed, result.Expunged);
        var left = Directory.EnumerateFiles(Path.Combine(folder.Path, "cur")).Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(kept, left);

        // The other session hears of each, in UID order, each with a greater MODSEQ, the last one the result's.
        var heard = new List<MailboxChange>();
        while (heard.Count < doomed.Count)
        {
            heard.Add(await NextAsync(other, c => c.Kind == MailboxChangeKind.Expunged));
        }

        Assert.Equal(doomed, heard.Select(c => c.Uid));
        Assert.True(heard.Zip(heard.Skip(1)).All(p => p.First.ModSeq < p.Second.ModSeq));
        Assert.Equal(result.HighestModSeq, heard[^1].ModSeq);

        // The 260 deletions' events were all taken as the folder's own: no look at the files for them.
        await folder.WhenIdleAsync();
        await DropAndAwaitAsync(folder, other);
        await folder.WhenIdleAsync();
        Assert.Equal(looks + 1, folder.Looks);
        Assert.Equal(0, folder.OwnChanges.Pending);
    }

    [Fact]
    public async Task Files_another_program_deleted_before_a_large_EXPUNGE_are_expunged_all_the_same_and_not_expected()
    {
        await using var store = new MaildirMessageStore(Options(fileSystemWatcher: false));
        await using var account = (MaildirAccount)await store.OpenAccountAsync(User, default);
        await using var ours = (await account.OpenAsync("INBOX", false, default))!;
        await using var other = (await account.OpenAsync("INBOX", false, default))!;
        var folder = account.Folder("INBOX")!;
        var uids = await AppendAsync(ours, 200);
        await ours.StoreFlagsAsync(UidSet.FromUids(uids), new FlagChange(FlagChangeMode.Add, SystemFlags.Deleted, []), null, default);

        // In one hold of the folder: another program deletes every tenth file, then the deletions of the EXPUNGE.
        var removed = await folder.WithLockAsync(
            () =>
            {
                foreach (var uid in uids.Where(u => u % 10 == 0))
                {
                    File.Delete(Path.Combine(folder.Path, folder.Find(uid)!.RelativePath));
                }

                return folder.Remove(m => (m.Flags & SystemFlags.Deleted) != 0, ours.ViewId);
            },
            save: true,
            default);

        Assert.Equal(uids, removed);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(folder.Path, "cur")));
        Assert.Empty(folder.Messages);

        // The names of the files it did not delete are not left expected (another program's later change to such a
        // name would be taken for ours): once the folder is quiet nothing is pending.
        await folder.WhenIdleAsync();
        await DropAndAwaitAsync(folder, other);
        await folder.WhenIdleAsync();
        Assert.Equal(0, folder.OwnChanges.Pending);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Another_programs_drop_during_an_EXPUNGE_is_seen_by_another_session(bool fileSystemWatcher)
    {
        await using var store = new MaildirMessageStore(Options(fileSystemWatcher));
        await using var account = (MaildirAccount)await store.OpenAccountAsync(User, default);
        await using var ours = (await account.OpenAsync("INBOX", false, default))!;
        await using var other = (await account.OpenAsync("INBOX", false, default))!;
        var folder = account.Folder("INBOX")!;
        var uids = await AppendAsync(ours, 20);
        await ours.StoreFlagsAsync(UidSet.FromUids(uids.Take(10)), new FlagChange(FlagChangeMode.Add, SystemFlags.Deleted, []), null, default);

        // The EXPUNGE's deletions, with another program's delivery half-way through them, in one hold of the folder.
        var removed = await folder.WithLockAsync(
            () =>
            {
                var first = folder.Remove(m => (m.Flags & SystemFlags.Deleted) != 0 && m.Uid <= 5, ours.ViewId);
                Drop(folder, NewUnique());
                return first.Concat(folder.Remove(m => (m.Flags & SystemFlags.Deleted) != 0, ours.ViewId)).Count();
            },
            save: true,
            default);

        Assert.Equal(10, removed);
        var change = await NextAsync(other, c => c.Kind == MailboxChangeKind.Added && c.Origin == 0);
        Assert.Equal(21u, change.Uid);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Events_the_watcher_lost_have_the_open_folders_look_again(bool fileSystemWatcher)
    {
        await using var store = new MaildirMessageStore(Options(fileSystemWatcher));
        await using var account = (MaildirAccount)await store.OpenAccountAsync(User, default);
        await using var ours = (await account.OpenAsync("INBOX", false, default))!;
        await using var other = (await account.OpenAsync("INBOX", false, default))!;
        var folder = account.Folder("INBOX")!;
        await AppendAsync(ours, 3);

        // Another program's drop during a command, whose event is lost: taken for the folder's own here.
        await folder.WithLockAsync(
            () =>
            {
                var unique = NewUnique();
                folder.OwnChanges.Expect(Path.Combine("new", unique));
                return Drop(folder, unique);
            },
            save: false,
            default);

        var epochBefore = folder.OwnChanges.LiveEpoch;
        Assert.True(epochBefore >= 0);

        // What the watcher does when its queue overflowed (FileSystemWatcher's Error with InternalBufferOverflowException).
        store.Watcher.Overflowed();
        var change = await NextAsync(other, c => c.Kind == MailboxChangeKind.Added && c.Origin == 0);
        Assert.Equal(4u, change.Uid);

        // From the overflow on, with a FileSystemWatcher the folder verifies after its commands again, as when not
        // watched; with inotify its watches stand, and it is live again in a new epoch (a command of the lost events'
        // time verifies after itself).
        if (fileSystemWatcher)
        {
            Assert.Equal(-1, folder.OwnChanges.LiveEpoch);
        }
        else
        {
            Assert.True(folder.OwnChanges.LiveEpoch > epochBefore);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_folder_made_after_the_watcher_started_is_watched_live_with_inotify_and_verifies_after_its_commands_with_a_FileSystemWatcher(bool fileSystemWatcher)
    {
        await using var store = new MaildirMessageStore(Options(fileSystemWatcher));
        await using var account = (MaildirAccount)await store.OpenAccountAsync(User, default);
        await using var inbox = (await account.OpenAsync("INBOX", false, default))!;
        Assert.True(account.Folder("INBOX")!.OwnChanges.LiveEpoch >= 0);

        // Made while the watcher runs. The recursive FileSystemWatcher adds its watches on its own thread when it reads
        // of it, a moment later; until then another program's change in it would come as no event. Inotify's watches
        // are added when the folder is opened, before it looks at its files.
        Assert.Equal(StoreStatus.Success, (await account.CreateAsync("Lists", MailboxRole.None, default)).Status);
        await using var lists = (await account.OpenAsync("Lists", false, default))!;
        await using var other = (await account.OpenAsync("Lists", false, default))!;
        var folder = account.Folder("Lists")!;
        Assert.Equal(fileSystemWatcher, folder.OwnChanges.LiveEpoch == -1);

        var looks = folder.Looks;
        await folder.WithLockAsync(() => Drop(folder, NewUnique()), save: false, default);
        await folder.WhenIdleAsync();
        if (fileSystemWatcher)
        {
            Assert.True(folder.Looks > looks);
        }
        else
        {
            // No scan after the command: the dropped file reaches the folder as the watcher's event.
            await NextAsync(other, c => c.Kind == MailboxChangeKind.Added && c.Origin == 0);
        }

        Assert.Equal(1, await folder.WithLockAsync(() => folder.Messages.Count, save: false, default));
    }

    private MaildirStoreOptions Options(bool fileSystemWatcher) =>
        new() { Root = _root, CreateWatcher = fileSystemWatcher ? root => new FileSystemWatcher(root) : null };

    private static async Task<List<uint>> AppendAsync(IMailboxView view, int count)
    {
        var uids = new List<uint>();
        for (var i = 0; i < count; i++)
        {
            using var content = new MemoryStream(System.Text.Encoding.ASCII.GetBytes($"Subject: m{i}\r\n\r\nbody {i}\r\n"));
            var appended = await view.AppendAsync(content, SystemFlags.None, [], null, default);
            Assert.Equal(StoreStatus.Success, appended.Status);
            uids.Add(appended.Uid);
        }

        return uids;
    }

    private static string NewUnique() => $"1700000000.M{Interlocked.Increment(ref _sequence)}P1.elsewhere";

    /// <summary>Writes a message into new/ as a delivery agent does (tmp/, then a rename).</summary>
    private static int Drop(MaildirFolder folder, string unique)
    {
        var temp = Path.Combine(folder.Path, "tmp", unique);
        File.WriteAllText(temp, "Subject: dropped\r\n\r\ndropped by another program\r\n");
        File.Move(temp, Path.Combine(folder.Path, "new", unique));
        return 0;
    }

    /// <summary>Another program's change: a drop into new/, \Seen added to message 10's name, or message 10 deleted. Returns message 10's UID.</summary>
    private static uint Foreign(MaildirFolder folder, string what)
    {
        var path = Path.Combine(folder.Path, folder.Find(10)!.RelativePath);
        switch (what)
        {
            case "drop":
                Drop(folder, NewUnique());
                break;
            case "rename":
                File.Move(path, path.Replace(":2,F", ":2,FS", StringComparison.Ordinal));
                break;
            default:
                File.Delete(path);
                break;
        }

        return 10;
    }

    /// <summary>Drops a file from outside any command and waits until <paramref name="view"/> hears of it.</summary>
    private static async Task DropAndAwaitAsync(MaildirFolder folder, IMailboxView view)
    {
        Drop(folder, NewUnique());
        await NextAsync(view, c => c.Kind == MailboxChangeKind.Added && c.Origin == 0);
    }

    private static async Task<MailboxChange> NextAsync(IMailboxView view, Func<MailboxChange, bool> wanted)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        MailboxChange change;
        do
        {
            change = await view.Changes.ReadAsync(timeout.Token);
        }
        while (!wanted(change));

        return change;
    }
}
