namespace MailKitServer.Storage.Maildir.Tests;

/// <summary>
/// The size and internal date of a file another program wrote are read from it when first asked for, not when the
/// folder first sees it (issue 24: the first SELECT of 20,000 such files stat'ed every one). What readers get must be
/// what reading them at once gave: the file's length, its mtime in the zone its name carries; the same after a restart
/// (from the index) and after the index is lost (from the files again), also for files renamed by another program
/// after the folder last looked; and the account's usage counts them right.
/// </summary>
public sealed class LazyMessageFactsTests : IDisposable
{
    private const int Count = 100; // above the number named at once: the background naming runs too
    private const string User = "lena@example.test";
    private static readonly DateTime Epoch = new(2024, 3, 1, 12, 0, 0, DateTimeKind.Utc);
    private readonly string _root = Directory.CreateTempSubdirectory("mks-lazy-").FullName;

    public void Dispose() => MailKitServer.TestSupport.TempDirectories.Delete(_root);

    private string Inbox => Path.Combine(_root, User, "Maildir");

    private string Index => Path.Combine(Inbox, "mailkitserver.index");

    private MaildirMessageStore NewStore() => new(new MaildirStoreOptions { Root = _root });

    /// <summary>
    /// Message i ("Subject: m{i}") is i+1 octets of body long, was modified i hours after <see cref="Epoch"/>; every
    /// fifth carries a zone (<c>,Z=+0200</c>) and every seventh a size in its name (<c>,S=</c>, the true one).
    /// Returns each subject's expected size and internal date.
    /// </summary>
    private Dictionary<string, (long Size, DateTimeOffset Date)> WriteForeignFiles()
    {
        foreach (var sub in new[] { "cur", "new", "tmp" })
        {
            Directory.CreateDirectory(Path.Combine(Inbox, sub));
        }

        var expected = new Dictionary<string, (long, DateTimeOffset)>();
        for (var i = 0; i < Count; i++)
        {
            var content = $"Subject: m{i}\r\n\r\n{new string('x', i + 1)}\r\n";
            var zone = i % 5 == 0 ? TimeSpan.FromHours(2) : TimeSpan.Zero;
            var name = $"1700000000.M{i:D6}P1.elsewhere" + (zone != TimeSpan.Zero ? ",Z=+0200" : string.Empty) + (i % 7 == 0 ? $",S={content.Length}" : string.Empty);
            var path = Path.Combine(Inbox, i % 10 == 9 ? "new" : "cur", i % 10 == 9 ? name : name + ":2,S");
            File.WriteAllText(path, content);
            var mtime = Epoch.AddHours(i);
            File.SetLastWriteTimeUtc(path, mtime);
            expected[$"Subject: m{i}"] = (content.Length, new DateTimeOffset(mtime).ToOffset(zone));
        }

        return expected;
    }

    private static async Task<string> SubjectAsync(IMailboxView view, uint uid)
    {
        await using var content = await view.OpenContentAsync(uid, 0, null, default);
        return (await new StreamReader(content!).ReadLineAsync())!;
    }

    /// <summary>Asserts that every message of the view has the size and internal date (with its offset) expected for its subject.</summary>
    private static async Task AssertFactsAsync(IMailboxView view, Dictionary<string, (long Size, DateTimeOffset Date)> expected)
    {
        Assert.Equal(expected.Count, view.Messages.Count);
        foreach (var m in view.Messages)
        {
            var (size, date) = expected[await SubjectAsync(view, m.Uid)];
            Assert.Equal(size, m.Size);
            Assert.Equal(date, m.InternalDate);
            Assert.Equal(date.Offset, m.InternalDate.Offset);
        }

        Assert.Equal(expected.Values.Sum(v => v.Size), view.Status.Size);
    }

    private string[] MessageLines() => File.ReadAllLines(Index).Where(l => l.StartsWith("M ", StringComparison.Ordinal)).ToArray();

    private (long Bytes, long Messages) OnDisk()
    {
        var files = new[] { "new", "cur" }.SelectMany(s => Directory.EnumerateFiles(Path.Combine(Inbox, s))).ToList();
        return (files.Sum(f => new FileInfo(f).Length), files.Count);
    }

    [Fact]
    public async Task Sizes_and_dates_read_when_first_asked_for_equal_the_files_and_survive_a_restart_and_a_lost_index()
    {
        var expected = WriteForeignFiles();
        await using (var store = NewStore())
        {
            await using var account = await store.OpenAccountAsync(User, default);
            await using var view = await account.OpenAsync("INBOX", false, default);
            await store.FlushAsync();

            // Nothing asked for them yet: the index has "-" where the file was not looked at (a ,S= name gives the size).
            var lines = MessageLines();
            Assert.Equal(Count, lines.Length);
            Assert.All(lines, l => Assert.Equal("-", l.Split(' ')[3]));
            Assert.Equal(Count - ((Count + 6) / 7), lines.Count(l => l.Split(' ')[4] == "-"));

            await AssertFactsAsync(view!, expected);
            await store.FlushAsync();
            Assert.All(MessageLines(), l => Assert.DoesNotContain(" - ", l, StringComparison.Ordinal));
        }

        // After a restart the index answers: a file touched since keeps the internal date the client saw.
        foreach (var file in Directory.EnumerateFiles(Path.Combine(Inbox, "cur")))
        {
            File.SetLastWriteTimeUtc(file, DateTime.UtcNow);
        }

        await using (var restarted = NewStore())
        {
            await using var account = await restarted.OpenAccountAsync(User, default);
            await using var view = await account.OpenAsync("INBOX", false, default);
            await AssertFactsAsync(view!, expected);
        }

        // The index lost: rebuilt from the files (the same UIDs, from their names), the facts read from them again.
        File.Delete(Index);
        foreach (var file in Directory.EnumerateFiles(Path.Combine(Inbox, "cur")).Concat(Directory.EnumerateFiles(Path.Combine(Inbox, "new"))))
        {
            var subject = File.ReadLines(file).First();
            File.SetLastWriteTimeUtc(file, expected[subject].Date.UtcDateTime);
        }

        await using var rebuilt = NewStore();
        await using var again = await rebuilt.OpenAccountAsync(User, default);
        await using var last = await again.OpenAsync("INBOX", false, default);
        Assert.Equal(Enumerable.Range(1, Count).Select(i => (uint)i), last!.Messages.Select(m => m.Uid));
        await AssertFactsAsync(last, expected);
    }

    [Fact]
    public async Task Files_renamed_by_another_program_after_the_folder_looked_are_found_for_their_facts()
    {
        var expected = WriteForeignFiles();
        await using var store = NewStore();
        await using var account = await store.OpenAccountAsync(User, default);
        await using (var view = await account.OpenAsync("INBOX", false, default))
        {
            Assert.Equal(Count, view!.Messages.Count);
        }

        await store.FlushAsync();

        // A status taken now, then every file moved by another program (as a client of Dovecot marking all \Flagged
        // would): no view is open, so the folder does not look again until asked.
        var status = await account.GetStatusAsync("INBOX", default);
        foreach (var file in Directory.EnumerateFiles(Path.Combine(Inbox, "cur")).Concat(Directory.EnumerateFiles(Path.Combine(Inbox, "new"))).ToList())
        {
            var name = Path.GetFileName(file);
            var target = name.Contains(":2,", StringComparison.Ordinal) ? name.Replace(":2,S", ":2,FS", StringComparison.Ordinal) : name + ":2,F";
            File.Move(file, Path.Combine(Inbox, "cur", target));
        }

        Assert.Equal(expected.Values.Sum(v => v.Size), status!.Size);

        await using var reopened = await account.OpenAsync("INBOX", false, default);
        Assert.All(reopened!.Messages, m => Assert.True((m.Flags & SystemFlags.Flagged) != 0));
        await AssertFactsAsync(reopened, expected);
    }

    [Fact]
    public async Task The_usage_counts_sizes_not_read_yet_when_messages_come_and_go()
    {
        WriteForeignFiles();
        await using var store = NewStore();
        await using var account = await store.OpenAccountAsync(User, default);
        await using var view = await account.OpenAsync("INBOX", false, default);
        await store.FlushAsync(); // the background naming done: the count and the test's own look see still files

        // Counted now; the expunge then reads the sizes it takes off before the files go.
        Assert.Equal(OnDisk(), await store.GetUsageAsync(User, default));
        Assert.Equal(10, (await view!.RemoveAsync(UidSet.FromUids(view.Messages.Take(10).Select(m => m.Uid)), default)).Expunged.Count);
        Assert.Equal(OnDisk(), await store.GetUsageAsync(User, default));

        // A file delivered later by another program (written in tmp/, then moved: the watcher must not see it half
        // written), counted when the folder adopts it.
        var written = Path.Combine(Inbox, "tmp", "1800000000.M1P2.elsewhere");
        await File.WriteAllTextAsync(written, "Subject: late\r\n\r\nlate body\r\n");
        File.Move(written, Path.Combine(Inbox, "new", "1800000000.M1P2.elsewhere"));
        Assert.Equal(Count - 10 + 1, (await account.GetStatusAsync("INBOX", default))!.Messages);
        Assert.Equal(OnDisk(), await store.GetUsageAsync(User, default));
        await using var fresh = NewStore();
        Assert.Equal(OnDisk(), await fresh.GetUsageAsync(User, default));
    }
}
