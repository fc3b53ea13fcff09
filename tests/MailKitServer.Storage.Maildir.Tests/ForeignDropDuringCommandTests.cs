namespace MailKitServer.Storage.Maildir.Tests;

/// <summary>
/// A file another program drops into new/ while a command holds the folder (a delivery agent does not take our lock
/// file) is seen without waiting for the directory to change again. The folder used to remember the directories'
/// modification times after the command, which then included the dropped file it had not looked at: the message
/// stayed invisible to every session until some later change touched new/ again. Now a command that changed the
/// directories of a folder nobody watches has the folder look again shortly after, in the background
/// (<see cref="MaildirFolder.WhenIdleAsync"/> awaits it); in a watched one the watcher's event about the dropped file
/// has it look.
/// </summary>
public sealed class ForeignDropDuringCommandTests : IDisposable
{
    private const string User = "drop@example.test";
    private readonly string _root = Directory.CreateTempSubdirectory("mks-drop-").FullName;

    public void Dispose() => MailKitServer.TestSupport.TempDirectories.Delete(_root);

    private static int _sequence;

    /// <summary>Writes a message into new/ as a delivery agent would (tmp/, then a rename), from inside the folder's lock.</summary>
    private static int DropForeign(MaildirFolder folder)
    {
        var unique = $"1700000000.M{Interlocked.Increment(ref _sequence)}P1.elsewhere";
        var temp = Path.Combine(folder.Path, "tmp", unique);
        File.WriteAllText(temp, "Subject: dropped\r\n\r\ndropped while the folder was locked\r\n");
        File.Move(temp, Path.Combine(folder.Path, "new", unique));
        return 0;
    }

    [Fact]
    public async Task A_file_dropped_while_the_folder_is_locked_is_seen_without_another_change_to_the_directory()
    {
        await using var store = new MaildirMessageStore(new MaildirStoreOptions { Root = _root });
        await using var account = (MaildirAccount)await store.OpenAccountAsync(User, default);
        var folder = account.Folder("INBOX")!;
        Assert.Equal(0, await folder.WithLockAsync(() => folder.Messages.Count, save: false, default));

        await folder.WithLockAsync(() => DropForeign(folder), save: false, default);
        await folder.WhenIdleAsync();

        Assert.Equal(1, await folder.WithLockAsync(() => folder.Messages.Count, save: false, default));
        Assert.Equal(1, (await account.GetStatusAsync("INBOX", default))!.Messages);
    }

    [Fact]
    public async Task A_file_dropped_during_the_folders_own_change_is_seen_too()
    {
        await using var store = new MaildirMessageStore(new MaildirStoreOptions { Root = _root });
        await using var account = (MaildirAccount)await store.OpenAccountAsync(User, default);
        await using var view = (await account.OpenAsync("INBOX", false, default))!;
        using var content = new MemoryStream("Subject: ours\r\n\r\nappended\r\n"u8.ToArray());
        Assert.Equal(StoreStatus.Success, (await view.AppendAsync(content, SystemFlags.None, [], null, default)).Status);
        var folder = account.Folder("INBOX")!;

        // The folder's own rename in cur/ and another program's delivery into new/, in the same hold of the lock. The
        // folder is watched (a view is open): the watcher's event about the dropped file, a name the folder did not
        // expect, has it look again (no scan follows the command itself: see OwnChangesTests).
        await folder.WithLockAsync(() => { using var directories = folder.OpenDirectories(); folder.SetFlags(folder.Messages[0], SystemFlags.Seen, folder.Messages[0].Keywords, origin: 0, directories); return DropForeign(folder); }, save: true, default);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while ((await view.Changes.ReadAsync(timeout.Token)) is not { Kind: MailboxChangeKind.Added, Uid: 2 })
        {
        }

        Assert.Equal(2, await folder.WithLockAsync(() => folder.Messages.Count, save: false, default));
    }

    [Fact]
    public async Task An_open_view_hears_of_the_dropped_file_without_another_command()
    {
        await using var store = new MaildirMessageStore(new MaildirStoreOptions { Root = _root });
        await using var account = (MaildirAccount)await store.OpenAccountAsync(User, default);
        await using var view = (await account.OpenAsync("INBOX", false, default))!;
        var folder = account.Folder("INBOX")!;

        await folder.WithLockAsync(() => DropForeign(folder), save: false, default);

        // The folder looks again by itself (in the background) and tells its views; nobody runs another command.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        MailboxChange change;
        do
        {
            change = await view.Changes.ReadAsync(timeout.Token);
        }
        while (change.Kind != MailboxChangeKind.Added);

        Assert.Equal(1u, change.Uid);
    }
}
