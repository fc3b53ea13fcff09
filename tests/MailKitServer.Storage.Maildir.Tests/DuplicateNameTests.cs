using System.Runtime.InteropServices;

namespace MailKitServer.Storage.Maildir.Tests;

/// <summary>
/// Two names in a folder with one unique part (see MaildirFolder.Duplicates.cs). A program that moves a file by link
/// and unlink (.NET's File.Move does) while this store renames the same file leaves one file with two names; the folder
/// used to take one and never see the other, so what its sessions saw never matched the disk again (the randomized
/// ConcurrentForeignWriterTests failed now and then that way). A pair still there a moment after a look found it is
/// mended; a pair the mover resolves itself is left to it.
/// </summary>
public sealed class DuplicateNameTests : IDisposable
{
    private const string User = "dup@example.test";
    private readonly string _root = Directory.CreateTempSubdirectory("mks-dup-").FullName;

    public void Dispose() => MailKitServer.TestSupport.TempDirectories.Delete(_root);

    [Fact]
    public async Task Two_names_of_one_file_become_one_name_and_the_message_takes_the_flags_of_the_name_kept()
    {
        await using var store = new MaildirMessageStore(new MaildirStoreOptions { Root = _root });
        await using var account = (MaildirAccount)await store.OpenAccountAsync(User, default);
        var folder = account.Folder("INBOX")!;
        var (uid, known) = await AppendAsync(account, folder);

        // What a move by link and unlink leaves when this store's rename took the old name away in between.
        var other = Path.Combine("cur", MaildirFileName.Unique(Path.GetFileName(known)) + ":2,F");
        Link(folder, known, other);
        await LookUntilAsync(folder, () => Files(folder).Count == 1);

        Assert.Equal([other], Files(folder));
        var message = Assert.Single(await MessagesAsync(folder));
        Assert.Equal((uid, other, SystemFlags.Flagged), message);
        Assert.Equal("Subject: one\r\n\r\nbody\r\n", File.ReadAllText(Path.Combine(folder.Path, other)));
    }

    [Fact]
    public async Task A_pair_the_mover_resolves_itself_is_left_to_it_and_the_name_it_moved_to_stays()
    {
        await using var store = new MaildirMessageStore(new MaildirStoreOptions { Root = _root });
        await using var account = (MaildirAccount)await store.OpenAccountAsync(User, default);
        var folder = account.Folder("INBOX")!;
        Assert.Empty(await MessagesAsync(folder));

        // Another program delivers to new/ and moves the file to cur/ by link and unlink; the folder looks in between,
        // when neither name is known to it. Mending at that look would drop the name the mover moved to (and, for a
        // file the folder need not rename, the mover would then unlink the other: the message gone).
        var unique = "1700000000.M1P1.mover";
        File.WriteAllText(Path.Combine(folder.Path, "new", unique), "Subject: moved\r\n\r\nbody\r\n");
        var moved = Path.Combine("cur", unique + ":2,S");
        Link(folder, Path.Combine("new", unique), moved);
        Assert.Single(await MessagesAsync(folder)); // the look, with both names there
        File.Delete(Path.Combine(folder.Path, "new", unique));
        await LookUntilAsync(folder, () => folder.Messages.Count == 1 && folder.Messages[0].RelativePath == moved);
        await folder.WhenIdleAsync();

        Assert.Equal([moved], Files(folder));
        Assert.Equal(SystemFlags.Seen, Assert.Single(await MessagesAsync(folder)).Flags);
    }

    [Fact]
    public async Task A_copy_under_another_info_part_becomes_a_message_of_its_own()
    {
        await using var store = new MaildirMessageStore(new MaildirStoreOptions { Root = _root });
        await using var account = (MaildirAccount)await store.OpenAccountAsync(User, default);
        var folder = account.Folder("INBOX")!;
        var (uid, known) = await AppendAsync(account, folder);

        File.Copy(Path.Combine(folder.Path, known), Path.Combine(folder.Path, "cur", MaildirFileName.Unique(Path.GetFileName(known)) + ":2,S"));
        await LookUntilAsync(folder, () => folder.Messages.Count == 2);

        var messages = await MessagesAsync(folder);
        Assert.Equal(2, messages.Count);
        Assert.Equal((uid, known, SystemFlags.None), messages[0]);
        Assert.True(messages[1].Uid > uid);
        Assert.Equal(SystemFlags.Seen, messages[1].Flags);
        Assert.NotEqual(MaildirFileName.Unique(Path.GetFileName(known)), MaildirFileName.Unique(Path.GetFileName(messages[1].Path)));
        Assert.Equal(2, Files(folder).Count);
        Assert.Equal("Subject: one\r\n\r\nbody\r\n", File.ReadAllText(Path.Combine(folder.Path, messages[1].Path)));
    }

    [Fact]
    public async Task Many_copies_each_become_a_message_of_their_own()
    {
        await using var store = new MaildirMessageStore(new MaildirStoreOptions { Root = _root });
        await using var account = (MaildirAccount)await store.OpenAccountAsync(User, default);
        var folder = account.Folder("INBOX")!;
        for (var i = 0; i < 300; i++)
        {
            // Names that carry their UIDs already: the folder renames none of them.
            File.WriteAllText(Path.Combine(folder.Path, "cur", $"1700000000.M{i}P1.copies,U={i + 1}:2,"), $"Subject: {i}\r\n\r\nbody\r\n");
        }

        Assert.Equal(300, (await MessagesAsync(folder)).Count);
        foreach (var message in await MessagesAsync(folder))
        {
            var unique = MaildirFileName.Unique(Path.GetFileName(message.Path));
            File.Copy(Path.Combine(folder.Path, message.Path), Path.Combine(folder.Path, "cur", unique + ":2,S"));
        }

        await LookUntilAsync(folder, () => folder.Messages.Count == 600);

        var messages = await MessagesAsync(folder);
        Assert.Equal(600, messages.Count);
        Assert.Equal(600, Files(folder).Count);
        Assert.Equal(300, messages.Count(m => m.Flags == SystemFlags.Seen));
        Assert.Equal(600, messages.Select(m => MaildirFileName.Unique(Path.GetFileName(m.Path))).Distinct().Count());
    }

    private static async Task<(uint Uid, string Path)> AppendAsync(MaildirAccount account, MaildirFolder folder)
    {
        await using (var view = (await account.OpenAsync("INBOX", false, default))!)
        {
            using var content = new MemoryStream("Subject: one\r\n\r\nbody\r\n"u8.ToArray());
            Assert.Equal(StoreStatus.Success, (await view.AppendAsync(content, SystemFlags.None, [], null, default)).Status);
        }

        var message = Assert.Single(await MessagesAsync(folder));
        return (message.Uid, message.Path);
    }

    /// <summary>Has the folder look at its files until <paramref name="done"/> (a pair is mended at a look a moment after the first that found it).</summary>
    private static async Task LookUntilAsync(MaildirFolder folder, Func<bool> done)
    {
        for (var i = 0; i < 50 && !await folder.WithLockAsync(done, save: false, default); i++)
        {
            folder.NoticeForeignChange();
            await folder.WhenIdleAsync();
        }
    }

    private static Task<List<(uint Uid, string Path, SystemFlags Flags)>> MessagesAsync(MaildirFolder folder) =>
        folder.WithLockAsync(() => folder.Messages.Select(m => (m.Uid, m.RelativePath, m.Flags)).ToList(), save: false, default);

    private static List<string> Files(MaildirFolder folder) =>
        [.. new[] { "new", "cur" }.SelectMany(sub => Directory.GetFiles(Path.Combine(folder.Path, sub)).Select(f => Path.Combine(sub, Path.GetFileName(f))))];

    private static void Link(MaildirFolder folder, string existing, string name) =>
        Assert.Equal(0, LinkCore(Path.Combine(folder.Path, existing), Path.Combine(folder.Path, name)));

    [DllImport("libc", EntryPoint = "link")]
    private static extern int LinkCore([MarshalAs(UnmanagedType.LPUTF8Str)] string existing, [MarshalAs(UnmanagedType.LPUTF8Str)] string link);
}
